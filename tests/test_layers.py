"""The apps depend one way (pyproject.toml, [tool.importlinter]): `make lint` runs the same."""

from importlinter.cli import lint_imports


def test_the_apps_import_each_other_one_way_only():
    assert lint_imports(config_filename="pyproject.toml") == 0

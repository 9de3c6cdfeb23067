"""Reference data kept as YAML files under fixtures/: the demo's catalogue and the like."""

from pathlib import Path
from typing import Any

import yaml
from django.conf import settings


def fixture_data(name: str) -> Any:
    """The data of `fixtures/<name>` in the checkout."""
    with open(Path(settings.BASE_DIR) / "fixtures" / name, encoding="utf-8") as file:
        return yaml.safe_load(file)

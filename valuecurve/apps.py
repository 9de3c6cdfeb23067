from django.apps import AppConfig


class ValueCurveConfig(AppConfig):
    name = "valuecurve"
    verbose_name = "Value Curve"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from valuecurve.language_views import apply_saved_language

        user_logged_in.connect(apply_saved_language, dispatch_uid="valuecurve-language")

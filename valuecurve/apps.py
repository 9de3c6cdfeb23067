from django.apps import AppConfig


class ValueCurveConfig(AppConfig):
    name = "valuecurve"
    verbose_name = "Value Curve"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from valuecurve.language_views import apply_saved_language
        from valuecurve.sessions import stamp_on_sign_in

        user_logged_in.connect(apply_saved_language, dispatch_uid="valuecurve-language")
        user_logged_in.connect(stamp_on_sign_in, dispatch_uid="valuecurve-session-stamp")

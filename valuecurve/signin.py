from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt


class SignInAttemptHandler(AxesDatabaseHandler):
    """django-axes' database handler, except that a successful sign-in clears the failures
    of that account only. The stock reset also clears every failure from the same address,
    which would let someone with an account of their own guess another user's password
    without limit by signing in to their own account between guesses."""

    def reset_user_attempts(self, request, credentials=None) -> int:
        username = get_client_username(request, credentials)
        count, _ = AccessAttempt.objects.filter(username=username).delete()
        return count

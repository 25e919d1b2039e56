"""Small helpers shared by tests."""

from django.test import TestCase


def committed(fn, /, *args, **kwargs):
    """Call `fn` and run what it left for after commit (email delivery, tasks), as happens in
    production when its transaction commits; in a test, the test's transaction never does."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return fn(*args, **kwargs)

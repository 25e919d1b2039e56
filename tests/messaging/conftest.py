import pytest

from .notify_stub import API_KEY, NotifyStub

CALLBACK_TOKEN = "callback-secret-for-tests"


@pytest.fixture
def notify(settings):
    """GOV.UK Notify's stand-in, started on loopback, with the portal pointed at it."""
    with NotifyStub() as stub:
        settings.PORTAL_NOTIFY_API_KEY = API_KEY
        settings.PORTAL_NOTIFY_BASE_URL = stub.url
        settings.PORTAL_NOTIFY_SMS_TEMPLATE_ID = "f33517ff-2a88-4f6e-b855-c550268ce08a"
        settings.PORTAL_NOTIFY_CALLBACK_TOKEN = CALLBACK_TOKEN
        yield stub

"""Addresses reversed once a process (portal.rows.address and addresses, the `address` tag
on the contributor home, issue 12): the same as `{% url %}` writes, under any script prefix."""

import uuid

from django.template import engines
from django.urls import get_script_prefix, reverse, set_script_prefix

from portal.rows import address, addresses


def _render(source: str, **context) -> str:
    return engines["django"].from_string(source).render(context)


def test_the_address_tag_writes_what_the_url_tag_writes():
    key = uuid.uuid4()
    assert _render("{% address 'payments:claim_list' %}") == _render("{% url 'payments:claim_list' %}")
    assert _render("{% address 'payments:claim_detail' k %}", k=key) == _render(
        "{% url 'payments:claim_detail' k %}", k=key
    )
    assert address("payments:statement") == reverse("payments:statement")
    assert addresses("payments:claim_detail")(key) == reverse("payments:claim_detail", args=[key])


def test_an_address_kept_under_one_script_prefix_is_not_given_under_another():
    before = get_script_prefix()
    key = uuid.uuid4()
    address("payments:claim_list"), addresses("payments:claim_detail")  # kept under "/"
    try:
        set_script_prefix("/portal/")
        assert address("payments:claim_list") == "/portal/payments/claims/"
        assert addresses("payments:claim_detail")(key) == f"/portal/payments/claims/{key}/"
    finally:
        set_script_prefix(before)
    assert address("payments:claim_list") == "/payments/claims/"

"""Ids sent back in a query string or a form: a malformed one names nothing, never a 500."""

import uuid

import pytest
from django.http import Http404

from portal.lookups import get_by_public_id_or_404, public_ids
from portal.models import Project


def test_public_ids_keeps_the_well_formed_ones_in_order():
    a, b = uuid.uuid4(), uuid.uuid4()
    assert public_ids([str(a), "not-an-id", "", str(b), "'; drop table"]) == [a, b]


def test_a_project_by_public_id(project, olu):
    assert get_by_public_id_or_404(Project.objects.all(), str(project.public_id)) == project
    for bad in ["nonsense", "", str(uuid.uuid4())]:
        with pytest.raises(Http404):
            get_by_public_id_or_404(Project.objects.all(), bad)
    with pytest.raises(Http404):  # outside the queryset: a 404, not a 403
        get_by_public_id_or_404(Project.objects.visible_to(olu), str(project.public_id))

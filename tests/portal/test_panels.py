"""Every app hooks into the spine the same way, and its panel templates follow one scheme:
`<app>/panels/<where>.html`, where is home (every role), home_<role>, project, activity or
person (the contributor's profile)."""

import re

from portal import dashboard

SCHEME = re.compile(
    r"^(contributors|payments|feedback|impact|messaging|coproduction)/panels/"
    r"(home(_[a-z]+)?|project|activity|person)\.html$"
)


def test_panel_templates_follow_one_naming_scheme():
    templates = {panel.template for panel in dashboard.PANELS}
    assert templates
    assert [t for t in templates if not SCHEME.match(t)] == []


def test_a_feedback_item_offers_the_impact_log_only_to_people_who_can_log_impact(fatima, cara):
    assert dashboard.links_for(fatima, "feedback_item") == [
        {"label": "Record in the impact log", "url": "/impact/entries/new/"}
    ]
    assert dashboard.links_for(cara, "feedback_item") == []

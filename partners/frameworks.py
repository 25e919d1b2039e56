"""The UK Standards for Public Involvement (NIHR and partners, 2019) as data.

Loaded by a data migration (they are a published national framework, not demo data) and again
by `seed_demo`; an organisation adds its own framework the same way, or in the admin."""

UK_STANDARDS = {
    "slug": "uk-standards",
    "name": "UK Standards for Public Involvement",
    "description": "Six standards for better public involvement in research (2019).",
    "standards": [
        (
            "Inclusive opportunities",
            "Offer public involvement opportunities that are accessible and that reach people and "
            "groups according to research needs.",
            "Who did we reach, and who is still missing?\n"
            "Were opportunities advertised where the people we need will see them?\n"
            "Did we remove barriers: access, payment, timing, language?",
            "inclusive_opportunities",
        ),
        (
            "Working together",
            "Work together in a way that values all contributions, and that builds and sustains "
            "mutually respectful and productive relationships.",
            "Were roles and expectations agreed at the start?\nDid contributors share in decisions?",
            "working_together",
        ),
        (
            "Support and learning",
            "Offer and promote support and learning opportunities that build confidence and skills "
            "for public involvement in research.",
            "What learning did contributors and staff have?\nWho supported contributors, and how?",
            "support_and_learning",
        ),
        (
            "Communications",
            "Use plain language for well-timed and relevant communications, as part of involvement plans "
            "and activities.",
            "Did people hear back in time, in the way they prefer?\nWas our language plain?",
            "communications",
        ),
        (
            "Impact",
            "Seek improvement by identifying and sharing the difference that public involvement makes to research.",
            "What changed because of involvement?\nHow did we share it with contributors and partners?",
            "impact",
        ),
        (
            "Governance",
            "Involve the public in research management, regulation, leadership and decision making.",
            "Do contributors sit where decisions are made?\nAre they supported to take part fully?",
            "governance",
        ),
    ],
}


def load_framework(Framework, Standard, data: dict = UK_STANDARDS) -> None:
    """Create or update a framework and its standards; takes the models so a migration can use it."""
    framework, _ = Framework.objects.update_or_create(
        slug=data["slug"], defaults={"name": data["name"], "description": data["description"]}
    )
    for order, (title, summary, prompts, source) in enumerate(data["standards"], start=1):
        Standard.objects.update_or_create(
            framework=framework,
            order=order,
            defaults={"title": title, "summary": summary, "prompts": prompts, "evidence_source": source},
        )


def ensure_uk_standards() -> None:
    from .models import Framework, Standard

    load_framework(Framework, Standard)

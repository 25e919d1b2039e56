from celery import shared_task


@shared_task
def make_report(report_id: int) -> None:
    """Make a queued report's files (or a project's certificates) and email the person who asked."""
    # Imported here because services imports this module.
    from impact.services import make_report as make

    make(report_id=report_id)

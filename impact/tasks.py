from celery import shared_task


@shared_task
def make_report(report_id: int) -> None:
    """Make a queued report's files (or a project's certificates) and email the person who asked."""
    # Imported here because services imports this module.
    from impact.services import make_report as make

    make(report_id=report_id)


@shared_task
def delete_expired_report_files() -> None:
    """Nightly: delete report files kept longer than PORTAL_IMPACT_REPORT_KEEP_DAYS."""
    from impact.services import delete_expired_report_files as delete

    delete()


@shared_task
def sweep_reports() -> dict:
    """Hourly: start what a broker outage left waiting; fail what a stopped worker left."""
    from impact.services import sweep_reports as sweep

    return sweep()

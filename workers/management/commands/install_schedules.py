"""``manage.py install_schedules [--reset]``: the default periodic tasks, installed idempotently."""

from django.core.management.base import BaseCommand

from workers.schedules import schedules_install


class Command(BaseCommand):
    help = (
        "Install the default periodic tasks (metrics hourly, contributors weekly, a weekly "
        "retry of failing tools). Entries that exist are kept as curators edited them."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--reset", action="store_true", help="put the defaults back over any admin edits"
        )

    def handle(self, *args, reset: bool, **options):
        for name, what in schedules_install(reset=reset).items():
            verb = {"created": "installed", "reset": "reset to the default", "kept": "kept as is"}
            self.stdout.write(f"{name}: {verb[what]}")

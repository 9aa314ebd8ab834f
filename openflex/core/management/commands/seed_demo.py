"""``manage.py seed_demo [--scale N]``: the demo dealer group, idempotent.

Each app may provide ``<app>/demo.py`` with ``seed(*, scale, log)``; they run in
the order of ``INSTALLED_APPS`` (organisation and people first). ``--scale N`` asks
the modules for N vehicles and proportional related data, inserted in bulk.
"""

import importlib
import time

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction


class Command(BaseCommand):
    help = "Create the OpenFlex demo data (idempotent); --scale N adds N vehicles."

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=int, default=0, help="number of vehicles to add")

    def handle(self, *args, scale: int = 0, **options):
        started = time.perf_counter()
        for config in apps.get_app_configs():
            try:
                module = importlib.import_module(f"{config.name}.demo")
            except ModuleNotFoundError as exc:
                if exc.name != f"{config.name}.demo":
                    raise
                continue
            self.stdout.write(f"seed_demo: {config.label}")
            with transaction.atomic():
                module.seed(scale=scale, log=lambda msg: self.stdout.write(msg))
        self.stdout.write(
            self.style.SUCCESS(f"seed_demo done in {time.perf_counter() - started:.1f} s")
        )

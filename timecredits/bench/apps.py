from django.apps import AppConfig


class BenchConfig(AppConfig):
    name = "timecredits.bench"
    label = "bench"
    verbose_name = "Benchmarks"

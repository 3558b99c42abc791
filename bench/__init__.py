"""The benchmark of the public site and the admin; `python bench/run.py --help` runs it."""

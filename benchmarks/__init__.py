"""`make bench`: the refresh pipeline's cost against the fake GitHub (see ``run.py``)."""

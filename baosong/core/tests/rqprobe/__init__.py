"""A test-only app for the multi-worker tests (test_rq_workers.py): loaded by the worker processes those tests
start, through DJANGO_SETTINGS_MODULE=baosong.core.tests.rqprobe.settings, never by a deployment.

Its periodic job and its task append a line to files in ``BAOSONG_PROBE_DIR``: the test reads what ran,
where and when."""

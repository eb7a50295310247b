"""The deployment's settings plus the probe app."""

from config.settings import *  # noqa: F403
from config.settings import INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "baosong.core.tests.rqprobe.apps.ProbeConfig"]

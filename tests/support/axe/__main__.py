"""`python -m tests.support.axe refresh [VERSION] | check` (see __init__.py)."""

import sys

from tests.support.axe import main

sys.exit(main())

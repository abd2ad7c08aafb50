"""``python -m monitoring``: see :mod:`monitoring.cli.main`."""
import sys

from monitoring.cli.main import main

if __name__ == "__main__":
    sys.exit(main())

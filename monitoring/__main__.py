"""``python -m monitoring``: see :mod:`monitoring.cli`."""
import sys

from monitoring.cli import main

if __name__ == "__main__":
    sys.exit(main())

"""``python -m pollution_map_plugin``: the command line."""

import sys

from pollution_map_plugin.cli.main import main

sys.exit(main())

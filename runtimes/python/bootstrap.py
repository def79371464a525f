"""Lambda Workbench: Python runtime entry point.

The env runs `/usr/bin/python3.11 -u /var/runtime/bootstrap.py`, like AWS's managed
runtime runs /var/runtime/bootstrap.py. The work is done in lwb_runtime.py (kept out of
this script so that it can be loaded from a precompiled .pyc; see README.md).
"""

import lwb_runtime  # found through sys.path[0], this script's directory (/var/runtime)

if __name__ == "__main__":
    lwb_runtime.main()

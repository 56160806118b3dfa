"""``python -m analyst_magics`` runs the command line."""

from analyst_magics.cli import main

raise SystemExit(main())

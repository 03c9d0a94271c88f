from stint_engine.cli import main

raise SystemExit(main())

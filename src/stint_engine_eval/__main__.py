from stint_engine_eval.cli import main

raise SystemExit(main())

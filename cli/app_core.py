"""The root command group: turns every refusal into one line and the right exit code."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from typing import Any

# Typer vendors Click since 0.26; its exception types live here.
from typer import Abort, Exit
from typer._click.exceptions import ClickException
from typer.core import TyperGroup

from cli.output import error


class CaseworkGroup(TyperGroup):
    """A Typer group whose errors are one line on stderr, never a traceback."""

    def main(  # type: ignore[override]
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        code = self._run(args, prog_name, complete_var, extra)
        if standalone_mode:
            sys.exit(code)
        return code

    def _run(
        self,
        args: Sequence[str] | None,
        prog_name: str | None,
        complete_var: str | None,
        extra: dict[str, Any],
    ) -> int:
        from casework.errors import CaseworkError

        try:
            rv = super().main(
                args=args,
                prog_name=prog_name or "casework",
                complete_var=complete_var,
                standalone_mode=False,
                **extra,
            )
        except CaseworkError as exc:
            error(str(exc))
            return exc.exit_code
        except ClickException as exc:
            error(exc.format_message())
            return 2
        except Exit as exc:
            return exc.exit_code
        except (Abort, KeyboardInterrupt):
            error("aborted")
            return 1
        except BrokenPipeError:
            return 1
        except Exception as exc:
            if os.environ.get("CASEWORK_DEBUG") == "1":
                raise
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
            error(
                f"internal error ({type(exc).__name__}): {first}; "
                "set CASEWORK_DEBUG=1 for a traceback"
            )
            return 1
        return rv if isinstance(rv, int) else 0

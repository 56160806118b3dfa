"""The base of every REST handler: Jupyter's auth, the envelope, one error shape.

Each verb of a subclass is ``async`` and decorated with ``@web.authenticated`` and
``@authorized`` (resource ``analyst``); XSRF and origin checks come from ``APIHandler``.
Errors become ``{"status": "error", "message": ..., "data": {"reference": ...}}``; unexpected
ones are logged with their traceback under the same reference id and never sent to the client.
Log lines carry the path without its query string, so tokens never reach the log.
"""

from __future__ import annotations

import json
import logging
import uuid
from http.client import responses
from typing import TYPE_CHECKING, Any, TypeVar

from jupyter_core.utils import ensure_async
from jupyter_server.auth.identity import IdentityProvider
from jupyter_server.base.handlers import APIHandler
from jupyter_server.extension.handler import ExtensionHandlerMixin
from pydantic import BaseModel, ValidationError
from tornado import web

from .errors import APIError

if TYPE_CHECKING:  # pragma: no cover
    from .app import AnalystExtension

__all__ = ["AUTH_RESOURCE", "AnalystHandler", "EnvelopeErrors", "envelope", "principal_of"]

AUTH_RESOURCE = "analyst"
M = TypeVar("M", bound=BaseModel)


def envelope(data: Any, message: str = "", *, ok: bool = True) -> str:
    """The JSON text of a response (strict JSON: NaN/Infinity are refused, not written)."""
    return json.dumps({"status": "ok" if ok else "error", "message": message, "data": data},
                      allow_nan=False)


async def principal_of(handler: web.RequestHandler) -> str:
    """Who owns what this request creates (jobs): the user, or the server token's holder.

    jupyter_server's default identity provider gives every token-authenticated request without a
    login cookie a fresh random user; all holders of the server token are one principal, so such
    requests map to ``token``. Other identity providers name their users; those names are used.
    """
    provider = handler.identity_provider  # type: ignore[attr-defined]
    if handler.token_authenticated and (  # type: ignore[attr-defined]
            type(provider).get_user_token is IdentityProvider.get_user_token):
        cookie_user = await ensure_async(provider.get_user_cookie(handler))
        if cookie_user is None:
            return "token"
    return f"user:{handler.current_user.username}"


if TYPE_CHECKING:  # pragma: no cover
    _Handler = web.RequestHandler
else:
    _Handler = object


#: The answer to every request without a valid token or login, whatever its method or route.
UNAUTHENTICATED = ("Authentication required: send the Jupyter token (header 'Authorization: "
                   "token <token>') or log in.")


class EnvelopeErrors(_Handler):
    """``write_error`` in the envelope with a reference id, for REST and WebSocket handlers."""

    log: logging.Logger

    def log_exception(self, typ: Any, value: BaseException | None, tb: Any) -> None:
        # write_error logs every error with its reference id; tornado's default would log the
        # full URI (with any ?token=) and the request's repr.
        return None

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        reference = uuid.uuid4().hex[:12]
        exc = kwargs.get("exc_info", (None, None, None))[1]
        data: dict[str, Any] = {"reference": reference}
        where = f"{self.request.method} {self.request.path}"
        if isinstance(exc, APIError):
            message = exc.message
            data.update(exc.data or {})
            if exc.retry_after is not None:
                self.set_header("Retry-After", str(exc.retry_after))
        elif isinstance(exc, web.HTTPError) and exc.log_message:
            message = exc.log_message % exc.args if exc.args else exc.log_message
        else:
            message = responses.get(status_code, "Error")
        if status_code >= 500:
            if not isinstance(exc, web.HTTPError):
                message = (f"Unexpected server error (reference {reference}). "
                           "The server log has the details.")
            self.log.error("analyst: %s failed [ref %s]", where, reference,
                           exc_info=kwargs.get("exc_info"))
        else:
            self.log.warning("analyst: %s -> %d %s [ref %s]", where, status_code, message,
                             reference)
        if status_code == 405:
            self.set_header("Allow", ", ".join(self._allowed_methods()))
        self.set_header("Content-Type", "application/json")
        self.set_header("Cache-Control", "no-store")
        self.finish(envelope(data, message, ok=False))

    def _allowed_methods(self) -> list[str]:
        own = [m for m in ("GET", "POST", "PUT", "PATCH", "DELETE")
               if getattr(type(self), m.lower()) is not getattr(web.RequestHandler, m.lower())]
        return own or ["OPTIONS"]


class AnalystHandler(EnvelopeErrors, ExtensionHandlerMixin, APIHandler):
    """Base class of the ``/analyst/v1`` REST handlers."""

    auth_resource = AUTH_RESOURCE

    @property
    def ext(self) -> AnalystExtension:
        return self.extensionapp  # type: ignore[return-value]

    @property
    def log(self) -> logging.Logger:  # type: ignore[override]
        # The server's own logger, so requests and errors land in Jupyter's log.
        return self.serverapp.log  # type: ignore[no-any-return]

    async def prepare(self) -> None:  # type: ignore[override]
        await super().prepare()
        if self.current_user is None:
            # Every route needs a user, even verbs it does not implement (which would
            # otherwise answer 405 and reveal the route) and whatever
            # ServerApp.allow_unauthenticated_access says. 403, as Jupyter's own API answers.
            raise APIError(403, UNAUTHENTICATED)

    def check_xsrf_cookie(self) -> None:
        # An anonymous request is refused as anonymous by prepare(), whatever its method: a
        # missing XSRF token ("'_xsrf' argument missing from POST") is not what is wrong.
        if hasattr(self, "_jupyter_current_user") and self._jupyter_current_user is None:
            return None
        return super().check_xsrf_cookie()  # type: ignore[no-any-return]

    def reply(self, data: Any, message: str = "", *, status: int = 200, ok: bool = True) -> None:
        self.set_status(status)
        self.set_header("Cache-Control", "no-store")
        self.finish(envelope(data, message, ok=ok))

    def parse_body(self, model: type[M]) -> M:
        """The JSON body as ``model``; a 400 names each bad field and why.

        Only ``application/json`` is read: a form or text body is a 415, so a plain HTML form
        from another site never reaches the engine.
        """
        kind = self.request.headers.get("Content-Type", "").split(";")[0].strip().lower()
        if kind != "application/json":
            raise APIError(415, f"Send the request body as JSON with the header 'Content-Type: "
                                f"application/json' (got {kind or 'no Content-Type'!r}).")
        context = {"max_question_chars": self.ext.settings_model.max_question_chars}
        try:
            return model.model_validate_json(self.request.body or b"", context=context)
        except ValidationError as exc:
            errors = [{"field": ".".join(map(str, e["loc"])) or "(body)", "message": e["msg"]}
                      for e in exc.errors(include_url=False, include_input=False)]
            detail = "; ".join(f"{e['field']}: {e['message']}" for e in errors)
            raise APIError(400, f"Invalid request body: {detail}.",
                           data={"errors": errors}) from None

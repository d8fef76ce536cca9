"""An LTI 1.3 Advantage tool for Amphi's tests, on pylti1p3 and Flask.

Started by crates/amphi-peers/src/lti_tool.rs on 127.0.0.1 with a free port. It trusts the
platforms written to the JSON file given by --config (pylti1p3's ToolConfJsonFile format, a list
of registrations per issuer), re-read on every request so that the test can register the
platform after the tool has started. Its key pair is tool.key / tool.pub in --dir; on start it
writes the kid of its key to tool.kid there.

Routes:
  GET|POST /login           OIDC third-party login initiation (302 to the platform)
  POST /launch              resource link and deep linking launches (the redirect URI)
  POST /score               the launch page's "Send score" form
  POST /deep-link/respond   the deep linking page's "Add this activity" form
  GET /jwks                 the tool's public key set
  /api/...                  JSON endpoints acting as the tool for a stored launch (below)

The JSON API acts as the tool for a launch that /launch validated and stored (by launch id).
Every answer carries "ok", "status" (the platform's HTTP status of the last call, or null) and
"calls" ([{method, url, status}] of every call made to the platform, token requests included):
  GET  /api/health                         "ok" (text)
  GET  /api/launch?launch_id=              {"launch": <the validated id_token claims>}
  POST /api/score {launch_id, score_given, score_maximum, activity_progress?, grading_progress?,
                   timestamp?, user_id?, comment?, line_item?}
                                           {"body": <platform answer or null>}; without line_item
                                           pylti1p3 scores the endpoint claim's `lineitem`
  GET  /api/lineitems?launch_id=           {"lineitems": [...], "count": N} (all pages)
  POST /api/lineitem {launch_id, label, score_maximum, tag?, resource_id?, resource_link_id?}
                                           {"lineitem": {...}}: found by tag (default: the
                                           label), else created
  GET  /api/results?launch_id=&line_item=  {"results": [...], "count": N}
  GET  /api/members?launch_id=&rlid=       {"members": [...], "count": N} (all pages)
  GET  /api/members/page?launch_id=&url=   {"body": <one page>, "link": <Link header>,
                                            "content_type": ..., "next": <pylti1p3's next URL>}
  POST /api/deep-link-jwt {launch_id, resources: [{type, title?, url?, html?, text?, custom?,
                           score_maximum?, label?, tag?, resource_id?}]}
                                           {"return_url": ..., "jwt": ..., "claims": {...}}
A platform refusal answers 200 with ok false, its status, "url", "body" and "error"; a pylti1p3
refusal (missing scope, unknown launch) 200 with ok false and "error"; a bad request 400 and
anything else 500, with "error". The HTML routes answer 400 with <p id="error">.
"""

import argparse
import datetime
import json
import logging
import os
import secrets
import sys
import threading
import traceback

import requests
from flask import Flask, Response, jsonify, render_template_string, request
from flask_caching import Cache
from markupsafe import Markup
from pylti1p3.contrib.flask import (
    FlaskCacheDataStorage,
    FlaskMessageLaunch,
    FlaskOIDCLogin,
    FlaskRequest,
)
from pylti1p3.deep_link_resource import DeepLinkResource
from pylti1p3.exception import LtiException, LtiServiceException, OIDCException
from pylti1p3.grade import Grade
from pylti1p3.lineitem import LineItem
from pylti1p3.registration import Registration
from pylti1p3.service_connector import REQUESTS_USER_AGENT
from pylti1p3.tool_config import ToolConfJsonFile

NRPS_SCOPE = "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly"
NRPS_CLAIM = "https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice"
AGS_CLAIM = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"
MEMBERSHIP_MEDIA_TYPE = "application/vnd.ims.lti-nrps.v2.membershipcontainer+json"

ARGS = None
app = Flask(__name__)
app.config.update(
    SECRET_KEY=secrets.token_hex(32),
    # The platform runs on 127.0.0.1 too, and cookies ignore ports: a name of our own.
    SESSION_COOKIE_NAME="lti_tool_session",
    # SimpleCache prunes past its threshold (500 by default): launches must not vanish mid-test.
    CACHE_TYPE="SimpleCache",
    CACHE_DEFAULT_TIMEOUT=86400,
    CACHE_THRESHOLD=1_000_000,
)
cache = Cache(app)


class ApiError(Exception):
    """A bad request to the JSON API (missing field, wrong type)."""


# ---------------------------------------------------------------------------------------------
# Configuration, launches, platform calls


def tool_conf():
    path = ARGS.config
    if not os.path.isfile(path):
        raise LtiException(f"no platform is registered with the tool yet ({path} is missing)")
    return ToolConfJsonFile(path)


def launch_url():
    return f"{ARGS.base_url}/launch"


def storage():
    return FlaskCacheDataStorage(cache)


class RecordingSession(requests.Session):
    """The requests session pylti1p3 calls the platform with; it remembers each answer so the
    API can report the platform's HTTP status (pylti1p3 returns only headers and body)."""

    def __init__(self):
        super().__init__()
        self.headers["User-Agent"] = REQUESTS_USER_AGENT
        self.calls = []
        self.hooks["response"].append(self._record)

    def _record(self, response, *args, **kwargs):
        self.calls.append(
            {
                "method": response.request.method,
                "url": response.request.url,
                "status": response.status_code,
            }
        )
        return response

    def last_status(self):
        return self.calls[-1]["status"] if self.calls else None


def stored_launch(launch_id, session):
    if not launch_id:
        raise ApiError("launch_id is required")
    return FlaskMessageLaunch.from_cache(
        launch_id,
        FlaskRequest(),
        tool_conf(),
        launch_data_storage=storage(),
        requests_session=session,
    )


def now_iso():
    return datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="milliseconds")


def json_for_html(value):
    """JSON that is also safe as HTML text: <, > and & become \\u escapes (they can only occur
    inside JSON strings), so the text of <pre id="launch"> parses as JSON without unescaping."""
    text = json.dumps(value, indent=2, sort_keys=True)
    text = text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")
    return Markup(text)


def launch_line_item(ags):
    """The line item a resource link launch scores on: the endpoint claim's `lineitem`, else the
    first of the container, else a new one ("Tool score", out of 100)."""
    claim = ags._service_data  # pylint: disable=protected-access
    if claim.get("lineitem"):
        return LineItem({"id": claim["lineitem"]})
    items = ags.get_lineitems()
    if items:
        return LineItem(items[0])
    return ags.find_or_create_lineitem(
        LineItem().set_label("Tool score").set_score_maximum(100).set_tag("tool")
    )


# ---------------------------------------------------------------------------------------------
# Pages

PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{{ title }} - LTI test tool</title>
<style>body{font-family:sans-serif;margin:1rem;color:#111;background:#fff}
pre{white-space:pre-wrap;word-break:break-all;font-size:.8rem}</style>
</head>
<body>
<main>
<h1>{{ title }}</h1>
{{ body }}
</main>
</body>
</html>
"""

LAUNCH_BODY = """
{% if name %}<p>Hello, <span id="person-name">{{ name }}</span>.</p>{% endif %}
<p>Launch <code id="launch-id">{{ launch_id }}</code> ({{ message_type }}).</p>
{% if context_title %}<p>Course: <span id="context-title">{{ context_title }}</span></p>{% endif %}
{% if score_form %}
<h2>Score</h2>
<form method="post" action="/score">
<input type="hidden" name="launch_id" value="{{ launch_id }}">
<label for="score">Score (0 to 100)</label>
<input id="score" name="score" type="number" min="0" max="100" step="any" value="80" required>
<button type="submit">Send score</button>
</form>
{% endif %}
{% if deep_link_form %}
<h2>Choose an activity</h2>
<form method="post" action="/deep-link/respond">
<input type="hidden" name="launch_id" value="{{ launch_id }}">
<label for="title">Title</label>
<input id="title" name="title" type="text" value="Tool activity" required>
<button type="submit">Add this activity</button>
</form>
{% endif %}
<h2>Launch data</h2>
<pre id="launch">{{ launch_json }}</pre>
"""


def page(title, body, status=200):
    html = render_template_string(PAGE, title=title, body=Markup(body))
    return Response(html, status=status, mimetype="text/html")


def error_page(title, exc, status=400):
    body = render_template_string('<p id="error">{{ text }}</p>', text=str(exc))
    return page(title, body, status)


@app.route("/login", methods=["GET", "POST"])
def login():
    try:
        target = FlaskRequest().get_param("target_link_uri")
        if not target:
            raise OIDCException("Missing target_link_uri")
        oidc = FlaskOIDCLogin(FlaskRequest(), tool_conf(), launch_data_storage=storage())
        return oidc.disable_check_cookies().redirect(target)
    except Exception as exc:  # pylint: disable=broad-except
        app.logger.warning("login refused: %s", exc)
        return error_page("Login refused", exc)


@app.route("/launch", methods=["POST"])
def launch():
    try:
        message_launch = FlaskMessageLaunch(
            FlaskRequest(), tool_conf(), launch_data_storage=storage()
        )
        message_launch.validate()
    except Exception as exc:  # pylint: disable=broad-except
        app.logger.warning("launch refused: %s", exc)
        return error_page("Launch refused", exc)
    data = message_launch.get_launch_data()
    ags_claim = data.get(AGS_CLAIM) or {}
    score_form = (
        message_launch.is_resource_launch()
        and message_launch.has_ags()
        and "https://purl.imsglobal.org/spec/lti-ags/scope/score" in ags_claim.get("scope", [])
    )
    body = render_template_string(
        LAUNCH_BODY,
        name=data.get("name")
        or " ".join(p for p in (data.get("given_name"), data.get("family_name")) if p),
        launch_id=message_launch.get_launch_id(),
        message_type=data.get("https://purl.imsglobal.org/spec/lti/claim/message_type"),
        context_title=(data.get("https://purl.imsglobal.org/spec/lti/claim/context") or {}).get(
            "title"
        ),
        score_form=score_form,
        deep_link_form=message_launch.is_deep_link_launch(),
        launch_json=json_for_html(data),
    )
    title = "Choose an activity" if message_launch.is_deep_link_launch() else "Tool activity"
    return page(title, body)


@app.route("/score", methods=["POST"])
def score():
    try:
        session = RecordingSession()
        message_launch = stored_launch(request.form.get("launch_id"), session)
        given = float(request.form.get("score", ""))
        ags = message_launch.get_ags()
        line_item = launch_line_item(ags)
        grade = (
            Grade()
            .set_score_given(given)
            .set_score_maximum(100)
            .set_activity_progress("Completed")
            .set_grading_progress("FullyGraded")
            .set_timestamp(now_iso())
            .set_user_id(message_launch.get_launch_data()["sub"])
        )
        ags.put_grade(grade, line_item)
        body = render_template_string(
            '<p id="score-result" role="status">Score sent ({{ status }}).</p>'
            '<p>{{ given }} out of 100 on <code>{{ line_item }}</code>.</p>',
            status=session.last_status(),
            given=given,
            line_item=line_item.get_id(),
        )
        return page("Score sent", body)
    except Exception as exc:  # pylint: disable=broad-except
        app.logger.warning("score not sent: %s", exc)
        return error_page("Score not sent", exc)


@app.route("/deep-link/respond", methods=["POST"])
def deep_link_respond():
    try:
        message_launch = stored_launch(request.form.get("launch_id"), requests.Session())
        title = request.form.get("title") or "Tool activity"
        resource = (
            DeepLinkResource()
            .set_url(launch_url())
            .set_title(title)
            .set_custom_params({"level": "2"})
            .set_lineitem(LineItem().set_score_maximum(100).set_label(title).set_tag("tool"))
        )
        form = message_launch.get_deep_link().output_response_form([resource])
        return page("Returning to the platform", Markup(form))
    except Exception as exc:  # pylint: disable=broad-except
        app.logger.warning("deep linking response failed: %s", exc)
        return error_page("Activity not added", exc)


@app.route("/jwks")
def jwks():
    with open(os.path.join(ARGS.dir, "tool.pub"), encoding="utf-8") as f:
        return jsonify({"keys": [Registration.get_jwk(f.read())]})


# ---------------------------------------------------------------------------------------------
# JSON API, acting as the tool for a launch stored by /launch


def api(handler):
    """Runs `handler(session)`; a platform refusal (LtiServiceException) or a pylti1p3 refusal
    (LtiException) answers 200 with ok false, so a test reads what the platform said; a bad
    request answers 400 and anything else 500, always with the exception text."""

    def wrapped():
        session = RecordingSession()
        try:
            result = handler(session)
            result.setdefault("ok", True)
            result.setdefault("status", session.last_status())
            result["calls"] = session.calls
            return jsonify(result)
        except LtiServiceException as exc:
            response = exc.response
            return jsonify(
                {
                    "ok": False,
                    "status": response.status_code,
                    "url": response.url,
                    "error": str(exc),
                    "body": response.text,
                    "calls": session.calls,
                }
            )
        except ApiError as exc:
            return jsonify({"ok": False, "error": str(exc)}), 400
        except LtiException as exc:
            return jsonify(
                {
                    "ok": False,
                    "status": session.last_status(),
                    "error": str(exc),
                    "calls": session.calls,
                }
            )
        except Exception as exc:  # pylint: disable=broad-except
            app.logger.error("API error in %s:\n%s", request.path, traceback.format_exc())
            return (
                jsonify(
                    {
                        "ok": False,
                        "status": session.last_status(),
                        "error": f"{type(exc).__name__}: {exc}",
                        "calls": session.calls,
                    }
                ),
                500,
            )

    wrapped.__name__ = handler.__name__
    return wrapped


def body_json():
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise ApiError("the request body must be a JSON object")
    return data


def launch_id_param():
    if request.method == "GET":
        return request.args.get("launch_id")
    return body_json().get("launch_id")


@app.route("/api/health")
def health():
    return "ok"


@app.route("/api/launch")
@api
def api_launch(session):
    message_launch = stored_launch(launch_id_param(), session)
    return {"launch": message_launch.get_launch_data()}


@app.route("/api/score", methods=["POST"])
@api
def api_score(session):
    data = body_json()
    message_launch = stored_launch(data.get("launch_id"), session)
    grade = Grade()
    if data.get("score_given") is not None:
        grade.set_score_given(data["score_given"])
    if data.get("score_maximum") is not None:
        grade.set_score_maximum(data["score_maximum"])
    grade.set_activity_progress(data.get("activity_progress", "Completed"))
    grade.set_grading_progress(data.get("grading_progress", "FullyGraded"))
    grade.set_timestamp(data.get("timestamp") or now_iso())
    grade.set_user_id(data.get("user_id") or message_launch.get_launch_data()["sub"])
    if data.get("comment") is not None:
        grade.set_comment(data["comment"])
    line_item = LineItem({"id": data["line_item"]}) if data.get("line_item") else None
    answer = message_launch.get_ags().put_grade(grade, line_item)
    return {"body": answer["body"]}


@app.route("/api/lineitems")
@api
def api_lineitems(session):
    message_launch = stored_launch(launch_id_param(), session)
    items = message_launch.get_ags().get_lineitems()
    return {"lineitems": items, "count": len(items)}


@app.route("/api/lineitem", methods=["POST"])
@api
def api_lineitem(session):
    data = body_json()
    message_launch = stored_launch(data.get("launch_id"), session)
    item = LineItem()
    item.set_label(data.get("label") or "Tool score")
    item.set_score_maximum(data.get("score_maximum", 100))
    item.set_tag(data.get("tag") or data.get("label") or "tool")
    if data.get("resource_id"):
        item.set_resource_id(data["resource_id"])
    if data.get("resource_link_id"):
        item.set_resource_link_id(data["resource_link_id"])
    found = message_launch.get_ags().find_or_create_lineitem(item)
    return {"lineitem": json.loads(found.get_value())}


@app.route("/api/results")
@api
def api_results(session):
    message_launch = stored_launch(launch_id_param(), session)
    url = request.args.get("line_item")
    line_item = LineItem({"id": url}) if url else None
    results = message_launch.get_ags().get_grades(line_item)
    return {"results": results, "count": len(results)}


@app.route("/api/members")
@api
def api_members(session):
    message_launch = stored_launch(launch_id_param(), session)
    members = message_launch.get_nrps().get_members(request.args.get("rlid") or None)
    return {"members": members, "count": len(members)}


@app.route("/api/members/page")
@api
def api_members_page(session):
    message_launch = stored_launch(launch_id_param(), session)
    url = request.args.get("url")
    if not url:
        url = (message_launch.get_launch_data().get(NRPS_CLAIM) or {}).get(
            "context_memberships_url"
        )
    if not url:
        raise LtiException("namesroleservice is not set in the launch")
    answer = message_launch.get_service_connector().make_service_request(
        [NRPS_SCOPE], url, accept=MEMBERSHIP_MEDIA_TYPE, case_insensitive_headers=True
    )
    headers = answer["headers"]
    return {
        "body": answer["body"],
        "link": headers.get("Link"),
        "content_type": headers.get("Content-Type"),
        "next": answer["next_page_url"],
    }


class ContentItem(DeepLinkResource):
    """A deep linking content item of any DL 2.0 type: pylti1p3's DeepLinkResource knows
    type/title/url/custom/lineItem; `html` and `text` are added, and empty fields are left out
    (pylti1p3 writes `"url": null` and `"custom": {}` otherwise)."""

    def __init__(self, spec):
        super().__init__()
        self._spec = spec
        kind = spec.get("type") or "ltiResourceLink"
        self.set_type(kind)
        if spec.get("title") is not None:
            self.set_title(spec["title"])
        if spec.get("url") is not None:
            self.set_url(spec["url"])
        elif kind == "ltiResourceLink":
            self.set_url(launch_url())
        if spec.get("custom") is not None:
            self.set_custom_params(spec["custom"])
        if spec.get("score_maximum") is not None:
            item = LineItem().set_score_maximum(spec["score_maximum"])
            item.set_label(spec.get("label") or spec.get("title") or "Tool score")
            if spec.get("tag"):
                item.set_tag(spec["tag"])
            if spec.get("resource_id"):
                item.set_resource_id(spec["resource_id"])
            self.set_lineitem(item)

    def to_dict(self):
        item = super().to_dict()
        if item.get("url") is None:
            item.pop("url", None)
        if item.get("title") is None:
            item.pop("title", None)
        if self.get_type() != "ltiResourceLink" or self._spec.get("custom") is None:
            if not item.get("custom"):
                item.pop("custom", None)
        for key in ("html", "text"):
            if self._spec.get(key) is not None:
                item[key] = self._spec[key]
        return item


@app.route("/api/deep-link-jwt", methods=["POST"])
@api
def api_deep_link_jwt(session):
    data = body_json()
    message_launch = stored_launch(data.get("launch_id"), session)
    specs = data.get("resources")
    if not isinstance(specs, list):
        raise ApiError("resources must be a list")
    resources = [ContentItem(spec) for spec in specs]
    deep_link = message_launch.get_deep_link()
    settings = message_launch.get_launch_data().get(
        "https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings"
    )
    return {
        "return_url": settings.get("deep_link_return_url"),
        "jwt": deep_link.get_response_jwt(resources),
        "claims": deep_link.get_message_jwt(resources),
    }


@app.errorhandler(Exception)
def unexpected(exc):
    app.logger.error("error in %s:\n%s", request.path, traceback.format_exc())
    code = getattr(exc, "code", 500)
    if not isinstance(code, int):
        code = 500
    if request.path.startswith("/api/"):
        return jsonify({"ok": False, "error": f"{type(exc).__name__}: {exc}"}), code
    return error_page("Error", exc, code)


# ---------------------------------------------------------------------------------------------


def main():
    global ARGS  # pylint: disable=global-statement
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dir", required=True, help="folder with tool.key and tool.pub")
    parser.add_argument("--config", required=True, help="the platforms JSON (ToolConfJsonFile)")
    parser.add_argument("--port", type=int, required=True)
    ARGS = parser.parse_args()
    ARGS.base_url = f"http://127.0.0.1:{ARGS.port}"

    with open(os.path.join(ARGS.dir, "tool.pub"), encoding="utf-8") as f:
        kid = Registration.get_jwk(f.read())["kid"]
    with open(os.path.join(ARGS.dir, "tool.kid"), "w", encoding="utf-8") as f:
        f.write(kid)

    logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(asctime)s %(levelname)s %(message)s")
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    app.logger.setLevel(logging.INFO)

    # The harness keeps our stdin open; when it goes away (even killed), so do we.
    threading.Thread(target=lambda: (sys.stdin.read(), os._exit(0)), daemon=True).start()
    app.run(host="127.0.0.1", port=ARGS.port, threaded=True, use_reloader=False, debug=False)


if __name__ == "__main__":
    main()

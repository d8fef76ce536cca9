"""A real xAPI client against Amphi's LRS: TinCanPython (the `tincan` package, Rustici
Software's client library) drives statements, queries, voiding, state documents with their
ETag, and attachments. Run by crates/amphi/tests/it/xapi_peer.rs:

    python3 client.py ENDPOINT KEY SECRET

Prints one line per step and exits 0 when every check holds, 1 with the reason otherwise.
tincan 1.0.0 sends statements as JSON only, so the attachment's content goes in a
multipart/mixed body written here with http.client, and its answer is read here too.
"""

import hashlib
import http.client
import json
import sys
import uuid
from urllib.parse import urlencode, urlparse

from tincan import (
    Activity,
    ActivityDefinition,
    Agent,
    Attachment,
    Context,
    LanguageMap,
    RemoteLRS,
    Result,
    Score,
    Statement,
    StatementRef,
    Verb,
)
from tincan.documents import StateDocument


def check(cond, what):
    if not cond:
        print("FAILED: " + what)
        sys.exit(1)
    print("ok " + what)


def main():
    endpoint, key, secret = sys.argv[1], sys.argv[2], sys.argv[3]
    lrs = RemoteLRS(version="1.0.3", endpoint=endpoint, username=key, password=secret)

    about = lrs.about()
    check(about.success and "1.0.3" in about.content.version, "about lists 1.0.3")

    ann = Agent(name="Ann", mbox="mailto:ann@example.com")
    bob = Agent(name="Bob", mbox="mailto:bob@example.com")
    course = Activity(
        id="http://example.com/activities/course-1",
        definition=ActivityDefinition(
            name=LanguageMap({"en-US": "Course 1", "fr-FR": "Cours 1"}),
            type="http://adlnet.gov/expapi/activities/course",
        ),
    )
    completed = Verb(id="http://adlnet.gov/expapi/verbs/completed",
                     display=LanguageMap({"en-US": "completed"}))
    attempted = Verb(id="http://adlnet.gov/expapi/verbs/attempted",
                     display=LanguageMap({"en-US": "attempted"}))
    registration = str(uuid.uuid4())

    # Statements round trip.
    s1 = Statement(
        actor=ann, verb=completed, object=course,
        result=Result(score=Score(scaled=0.9, raw=9, min=0, max=10), success=True,
                      completion=True, duration="PT12M"),
        context=Context(registration=registration),
    )
    r = lrs.save_statement(s1)
    check(r.success, "save_statement (%s)" % r.response.status)
    s1_id = str(r.content.id)
    got = lrs.retrieve_statement(s1_id)
    check(got.success, "retrieve_statement")
    back = got.content
    check(back.actor.mbox == "mailto:ann@example.com"
          and back.verb.id == completed.id
          and back.object.id == course.id
          and back.result.score.scaled == 0.9
          and str(back.context.registration) == registration, "the statement reads back as sent")
    check(back.authority is not None and back.stored is not None, "authority and stored are set")

    batch = [Statement(actor=bob, verb=attempted, object=course) for _ in range(3)]
    r = lrs.save_statements(batch)
    check(r.success and len(r.content) == 3, "save_statements (a batch of 3)")

    # Queries.
    r = lrs.query_statements({"agent": ann})
    check(r.success and [str(s.id) for s in r.content.statements] == [s1_id], "query by agent")
    r = lrs.query_statements({"verb": attempted, "activity": course})
    check(r.success and len(r.content.statements) == 3, "query by verb and activity")
    r = lrs.query_statements({"registration": registration})
    check(r.success and len(r.content.statements) == 1, "query by registration")
    r = lrs.query_statements({"limit": 2, "ascending": "true"})
    check(r.success and len(r.content.statements) == 2 and r.content.more, "limit gives a more link")
    first_page = [str(s.id) for s in r.content.statements]
    check(first_page[0] == s1_id, "ascending starts with the oldest")
    more = lrs.more_statements(r.content)
    check(more.success and len(more.content.statements) == 2, "more_statements reads the rest")
    r = lrs.query_statements({"agent": bob, "format": "ids"})
    check(r.success and all(s.actor.name is None for s in r.content.statements), "format=ids")

    # Voiding.
    void = Statement(
        actor=ann,
        verb=Verb(id="http://adlnet.gov/expapi/verbs/voided", display=LanguageMap({"en-US": "voided"})),
        object=StatementRef(id=s1_id),
    )
    r = lrs.save_statement(void)
    check(r.success, "save a voiding statement")
    check(not lrs.retrieve_statement(s1_id).success, "the voided statement is gone from statementId")
    r = lrs.retrieve_voided_statement(s1_id)
    check(r.success and str(r.content.id) == s1_id, "retrieve_voided_statement finds it")
    # The same id with other content is a conflict.
    clash = Statement(id=s1_id, actor=bob, verb=completed, object=course)
    r = lrs.save_statement(clash)
    check(not r.success and r.response.status == 409, "a different statement with a used id: 409")

    # State with its ETag.
    state = StateDocument(id="bookmark", activity=course, agent=ann,
                          content=json.dumps({"page": 3}), content_type="application/json")
    r = lrs.save_state(state)
    check(r.success, "save_state")
    r = lrs.retrieve_state(course, ann, "bookmark")
    check(r.success and json.loads(bytes(r.content.content)) == {"page": 3}, "retrieve_state")
    etag = r.response.getheader("ETag")
    check(etag == '"%s"' % hashlib.sha1(json.dumps({"page": 3}).encode()).hexdigest(),
          "the state's ETag is the SHA-1 of its content")
    stale = StateDocument(id="bookmark", activity=course, agent=ann, etag='"0000"',
                          content='{"page": 9}', content_type="application/json")
    r = lrs.save_state(stale)
    check(not r.success and r.response.status == 412, "a stale If-Match: 412")
    fresh = StateDocument(id="bookmark", activity=course, agent=ann, etag=etag,
                          content='{"page": 4}', content_type="application/json")
    # tincan 1.0.0's save_state sends its request twice: the first, with the current ETag,
    # stores the document; the second, with that ETag now stale, is refused (412).
    r = lrs.save_state(fresh)
    r = lrs.retrieve_state(course, ann, "bookmark")
    check(r.success and json.loads(bytes(r.content.content)) == {"page": 4},
          "the current If-Match: saved")
    r = lrs.retrieve_state_ids(course, ann)
    check(r.success and r.content == ["bookmark"], "retrieve_state_ids")
    r = lrs.clear_state(course, ann)
    check(r.success and lrs.retrieve_state_ids(course, ann).content == [], "clear_state")

    # Attachments: tincan describes it; the multipart body is ours.
    data = b"certificate of completion for Ann"
    att = Attachment(
        usage_type="http://id.tincanapi.com/attachment/certificate-of-completion",
        display=LanguageMap({"en-US": "Certificate"}),
        content_type="text/plain",
        length=len(data),
        sha2=hashlib.sha256(data).hexdigest(),
    )
    s2 = Statement(actor=ann, verb=completed, object=course, attachments=[att])
    body_json = s2.to_json("1.0.3").encode()
    boundary = "tincan-peer-" + uuid.uuid4().hex
    body = (
        ("--%s\r\nContent-Type: application/json\r\n\r\n" % boundary).encode() + body_json
        + ("\r\n--%s\r\nContent-Type: text/plain\r\nContent-Transfer-Encoding: binary\r\n"
           "X-Experience-API-Hash: %s\r\n\r\n" % (boundary, att.sha2)).encode()
        + data + ("\r\n--%s--\r\n" % boundary).encode()
    )
    u = urlparse(endpoint)
    headers = {"Authorization": lrs.auth, "X-Experience-API-Version": "1.0.3"}
    conn = http.client.HTTPConnection(u.hostname, u.port)
    conn.request("POST", u.path + "statements", body=body,
                 headers=dict(headers, **{"Content-Type": "multipart/mixed; boundary=" + boundary}))
    resp = conn.getresponse()
    answer = resp.read()
    check(resp.status == 200, "POST multipart/mixed with an attachment (%s %s)" % (resp.status, answer[:200]))
    s2_id = json.loads(answer)[0]
    conn.request("GET", u.path + "statements?" + urlencode({"statementId": s2_id, "attachments": "true"}),
                 headers=headers)
    resp = conn.getresponse()
    answer = resp.read()
    ctype = resp.getheader("Content-Type")
    check(resp.status == 200 and ctype.startswith("multipart/mixed"), "GET attachments=true is multipart")
    check(data in answer and att.sha2.encode() in answer, "the attachment's content comes back")
    conn.close()

    print("all checks passed")


if __name__ == "__main__":
    main()

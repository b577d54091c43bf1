"""Writes N raw events (the article's collector format) as NDJSON for the processor benchmarks:
browsers drawn by their traffic weight from npm `user-agents`, 10% crawlers drawn from the
crawler-user-agents examples, random public IPv4 addresses, a handful of pages and campaigns.
Deterministic for a given seed. Usage: make_events.py USER_AGENTS_JSON CRAWLERS_JSON N SEED > out
"""
import json
import random
import sys

user_agents_file, crawlers_file, count, seed = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
rng = random.Random(seed)
browsers = json.load(open(user_agents_file))
browser_uas = [b["userAgent"] for b in browsers]
browser_weights = [b["weight"] for b in browsers]
bots = [ua for entry in json.load(open(crawlers_file)) for ua in entry.get("instances", [])]
pages = [["en"], ["en", "blog"], ["en", "blog", "server-side-tracking"], ["en", "career"],
         ["en", "career", "jobs", "data-engineer"], ["de", "kontakt"], []]
campaigns = [{}, {}, {}, {"utm_source": "linkedin", "utm_medium": "social", "utm_campaign": "buffer"},
             {"utm_source": "newsletter", "utm_medium": "email", "utm_campaign": "2026-11"},
             {"gclid": "EAIaIQobChMI"}]
referrers = [None, None, "https://www.google.com/", "https://t.co/x", "https://www.example.com/en/blog"]


def public_ipv4():
    while True:
        a = rng.randrange(1, 224)
        if a not in (10, 127, 169, 172, 192, 100):
            return f"{a}.{rng.randrange(256)}.{rng.randrange(256)}.{rng.randrange(1, 255)}"


out = sys.stdout
for i in range(count):
    ua = rng.choice(bots) if rng.random() < 0.10 else rng.choices(browser_uas, browser_weights)[0]
    path = rng.choice(pages)
    query = dict(rng.choice(campaigns))
    url = "https://www.example.com/" + "/".join(path)
    if query:
        url += "?" + "&".join(f"{k}={v}" for k, v in query.items())
    event = {
        "visitor_id": f"{rng.getrandbits(160):040x}",
        "session_id": f"{rng.getrandbits(128):032x}",
        "timestamp": f"2026-11-{1 + i % 28:02d}T{i % 24:02d}:{i % 60:02d}:{(i * 7) % 60:02d}+00:00",
        "ip": public_ipv4(),
        "url": url,
        "host": "www.example.com",
        "path": path,
        "query": query,
        "referrer": rng.choice(referrers),
        "language": rng.choice(["en", "de", "fr", None]),
        "ua": ua,
    }
    out.write(json.dumps(event) + "\n")

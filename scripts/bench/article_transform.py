"""The article's transformation, step by step, as a baseline: for every raw event, parse the
user agent with uap-python (`user_agent_parser.Parse`), look the IP up with geoip2, drop `ua`
and `ip`, turn the query into [{param, value}], and write JSON. NDJSON in on stdin, out on
stdout. Usage: article_transform.py GEOIP_CITY_MMDB < events.ndjson > enriched.ndjson
"""
import json
import sys

import geoip2.database
import geoip2.errors
from ua_parser import user_agent_parser

reader = geoip2.database.Reader(sys.argv[1])


def extract_geo_data(ip):
    """Does a geo lookup for an IP address"""
    try:
        response = reader.city(ip)
    except (geoip2.errors.AddressNotFoundError, ValueError):
        return {}
    return {
        "country_iso_code": response.country.iso_code,
        "country_name": response.country.name,
        "subdivisions_iso_code": response.subdivisions.most_specific.iso_code,
        "subdivisions_name": response.subdivisions.most_specific.name,
        "city_name": response.city.name,
    }


def parse_user_agent(user_agent_string):
    """Extracts browser, OS and device information from an user agent"""
    result = user_agent_parser.Parse(user_agent_string)
    return {
        "browser_family": result["user_agent"]["family"],
        "browser_version": result["user_agent"]["major"],
        "os_family": result["os"]["family"],
        "os_version": result["os"]["major"],
        "device_brand": result["device"]["brand"],
        "device_model": result["device"]["model"],
    }


out = sys.stdout
for line in sys.stdin:
    message = json.loads(line)
    if message["ua"]:
        message.update(parse_user_agent(message["ua"]))
    del message["ua"]
    if message["ip"]:
        message.update(extract_geo_data(message["ip"]))
    del message["ip"]
    if message["query"]:
        message["query"] = [{"param": param, "value": value} for param, value in message["query"].items()]
    out.write(json.dumps(message) + "\n")

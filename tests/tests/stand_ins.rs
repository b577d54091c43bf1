//! The processor against real stand-ins on loopback: moto (S3), bqemulator (BigQuery) and
//! kinesalite (Kinesis). Lambda invocations are handed to the real handler in-process (no
//! stand-in triggers a Lambda from a stream); `setup` and `consume` run as the real binary.

use base64::Engine;
use clap::Parser;
use footfall_event::{EdgeGeo, PageRequest, QueryParam, RawEvent, RAW_SCHEMA_V1};
use footfall_processor::pipeline::Pipeline;
use footfall_processor::settings::Settings;
use footfall_processor::sink::warehouse::{
    GoogleCredentials, RetryPolicy, Warehouse, WarehouseSettings,
};
use footfall_processor::source::lambda;
use footfall_tests::bigquery::PROJECT;
use footfall_tests::fault_proxy::{Fault, FaultProxy};
use footfall_tests::kinesalite::runtime;
use serde_json::{json, Value};
use std::process::Command;
use std::time::Duration;

mod common;
use common::{processor, set_up, stand_ins, value};

const ARTICLE_UA: &str =
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_14_1) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/70.0.3538.110 Safari/537.36";

/// AWS configuration for a stand-in at `endpoint`.
async fn local_aws(endpoint: &str) -> aws_config::SdkConfig {
    aws_config::defaults(aws_config::BehaviorVersion::latest())
        .endpoint_url(endpoint)
        .region(aws_config::Region::new("us-east-1"))
        .credentials_provider(aws_sdk_s3::config::Credentials::new(
            "local", "local", None, None, "test",
        ))
        .load()
        .await
}

/// The warehouse of `dataset`'s events table at the BigQuery `endpoint`, retrying quickly.
async fn local_warehouse(dataset: &str, endpoint: &str) -> Warehouse {
    Warehouse::connect(WarehouseSettings {
        project: PROJECT.into(),
        dataset: dataset.into(),
        table: "events".into(),
        endpoint: Some(endpoint.into()),
        credentials: GoogleCredentials::ApplicationDefault,
        retry: RetryPolicy {
            attempts: 6,
            base: Duration::from_millis(20),
            cap: Duration::from_millis(200),
        },
    })
    .await
    .unwrap()
}

/// A pipeline in this process, wired as the binary wires it from the same settings (the
/// bucket, dataset and GeoIP database of `env`), with S3 and BigQuery at the given endpoints.
fn pipeline(env: &[(String, String)], s3: &str, bigquery: &str) -> Pipeline {
    let settings = Settings::try_parse_from([
        "footfall-processor",
        "--bucket",
        &value(env, "FOOTFALL_BUCKET"),
        "--bigquery-project",
        PROJECT,
        "--bigquery-dataset",
        &value(env, "FOOTFALL_BIGQUERY_DATASET"),
        "--bigquery-endpoint",
        bigquery,
        "--geoip-db",
        &value(env, "FOOTFALL_GEOIP_DB"),
        "--ua-cache-size",
        "100",
    ])
    .unwrap();
    runtime().block_on(async { settings.pipeline(&local_aws(s3).await).await.unwrap() })
}

/// The article's example raw event as its PHP collector sends it (IP from MaxMind's test data).
fn article_event() -> Vec<u8> {
    serde_json::to_vec(&json!({
        "visitor_id": "10d1fa9c9fd39cff44c88bd551b1ab4dfe92b3da",
        "session_id": "9tv1phlqkl5kchajmb9k2j2434",
        "timestamp": "2018-12-16T16:03:04+00:00",
        "ip": "81.2.69.142",
        "url": "https://www.project-a.com/en/career/jobs/data-engineer?gh_jid=4082751002&utm_medium=social&utm_source=linkedin&utm_campaign=buffer",
        "host": "www.project-a.com",
        "path": ["en", "career", "jobs", "data-engineer"],
        "query": {"gh_jid": "4082751002", "utm_medium": "social", "utm_source": "linkedin", "utm_campaign": "buffer"},
        "referrer": null,
        "language": "en",
        "ua": ARTICLE_UA
    }))
    .unwrap()
}

/// An edge event (footfall.raw.v1) from a search crawler.
fn edge_event(id: &str) -> Vec<u8> {
    serde_json::to_vec(&RawEvent {
        schema: RAW_SCHEMA_V1.into(),
        request: PageRequest {
            event_id: id.into(),
            timestamp: "2018-12-16T17:00:00.250Z".into(),
            method: Some("GET".into()),
            url: "https://www.project-a.com/blog?ref=x".into(),
            host: "www.project-a.com".into(),
            path: vec!["blog".into()],
            query: vec![QueryParam {
                param: "ref".into(),
                value: "x".into(),
            }],
            referrer: Some("https://www.google.com/".into()),
            language: Some("sv".into()),
            status: Some(200),
            cache: Some("HIT".into()),
            pop: Some("FRA".into()),
            ..Default::default()
        },
        ip: Some("89.160.20.128".into()),
        ua: Some("Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)".into()),
        edge_geo: Some(EdgeGeo::default()),
        ..Default::default()
    })
    .unwrap()
}

fn kinesis_invocation(records: &[(&str, Vec<u8>)]) -> Value {
    let records: Vec<Value> = records
        .iter()
        .map(|(sequence, data)| {
            json!({
                "kinesis": {
                    "kinesisSchemaVersion": "1.0",
                    "partitionKey": "pk",
                    "sequenceNumber": sequence,
                    "data": base64::engine::general_purpose::STANDARD.encode(data),
                    "approximateArrivalTimestamp": 1_544_976_184.123
                },
                "eventSource": "aws:kinesis",
                "eventVersion": "1.0",
                "eventID": format!("shardId-000000000000:{sequence}"),
                "eventName": "aws:kinesis:record",
                "invokeIdentityArn": "arn:aws:iam::123456789012:role/footfall",
                "awsRegion": "us-east-1",
                "eventSourceARN": "arn:aws:kinesis:us-east-1:123456789012:stream/footfall-events"
            })
        })
        .collect();
    json!({ "Records": records })
}

/// A Kinesis invocation of `script`'s records, numbered from `first_sequence`.
fn numbered_invocation(first_sequence: usize, script: impl IntoIterator<Item = Vec<u8>>) -> Value {
    let sequences: Vec<(String, Vec<u8>)> = script
        .into_iter()
        .enumerate()
        .map(|(i, data)| ((first_sequence + i).to_string(), data))
        .collect();
    let records: Vec<(&str, Vec<u8>)> = sequences
        .iter()
        .map(|(seq, data)| (seq.as_str(), data.clone()))
        .collect();
    kinesis_invocation(&records)
}

fn invoke(pipeline: &Pipeline, invocation: Value) -> Value {
    runtime()
        .block_on(lambda::handle(pipeline, invocation))
        .expect("the handler answers")
}

fn failures(response: &Value) -> Vec<String> {
    response["batchItemFailures"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["itemIdentifier"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn a_kinesis_batch_lands_in_s3_and_bigquery_and_a_bad_record_in_the_dead_letters() {
    let s = stand_ins();
    let env = set_up("kinesis_batch");
    let bucket = value(&env, "FOOTFALL_BUCKET");
    let pipeline = pipeline(&env, &s.moto.endpoint(), &s.bigquery.endpoint());
    let invocation = kinesis_invocation(&[
        ("100", article_event()),
        ("101", b"{not json".to_vec()),
        ("102", edge_event("edge-1")),
    ]);
    let response = invoke(&pipeline, invocation.clone());
    assert_eq!(failures(&response), Vec::<String>::new());

    // S3: one object per event hour, deterministic keys, the article's columns.
    let keys = s.moto.keys(&bucket, "events/");
    assert_eq!(
        keys,
        [
            "events/dt=2018-12-16/hour=16/shardId-000000000000-100-102.ndjson.gz",
            "events/dt=2018-12-16/hour=17/shardId-000000000000-100-102.ndjson.gz"
        ]
    );
    let article = &s.moto.ndjson_gz(&bucket, &keys[0])[0];
    assert_eq!(article["browser_family"], "Chrome");
    assert_eq!(article["browser_version"], "70");
    assert_eq!(article["os_family"], "Mac OS X");
    assert_eq!(article["os_version"], "10");
    assert_eq!(
        (
            article["country_iso_code"].as_str(),
            article["city_name"].as_str()
        ),
        (Some("GB"), Some("London"))
    );
    assert_eq!(
        article["query"][2],
        json!({"param": "utm_source", "value": "linkedin"})
    );
    assert!(article.get("ip").is_none() && article.get("ua").is_none());
    let crawler = &s.moto.ndjson_gz(&bucket, &keys[1])[0];
    assert_eq!(
        (
            crawler["is_bot"].as_bool(),
            crawler["device_brand"].as_str()
        ),
        (Some(true), Some("Spider"))
    );
    assert_eq!(
        (
            crawler["bot_category"].as_str(),
            crawler["referrer_medium"].as_str()
        ),
        (Some("search"), Some("search"))
    );
    assert_eq!(crawler["city_name"], "Linköping");

    // Dead letters: the raw record, where it came from, and why.
    let letters = s.moto.all_lines(&bucket, "errors/");
    assert_eq!(letters.len(), 1);
    assert_eq!(letters[0]["sequence"], "101");
    assert_eq!(letters[0]["shard"], "shardId-000000000000");
    assert!(letters[0]["reason"]
        .as_str()
        .unwrap()
        .starts_with("not a JSON object"));
    let raw = base64::engine::general_purpose::STANDARD
        .decode(letters[0]["record_base64"].as_str().unwrap())
        .unwrap();
    assert_eq!(raw, b"{not json");

    // BigQuery: the rows with exactly the expected fields.
    let rows = s.bigquery.query(&format!(
        "SELECT event_id, browser_family, os_version, city_name, is_bot, utm_campaign, referrer_medium, status \
         FROM `{PROJECT}.kinesis_batch.events` ORDER BY timestamp"
    ));
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0]["browser_family"], "Chrome");
    assert_eq!(rows[0]["utm_campaign"], "buffer");
    assert_eq!(rows[0]["referrer_medium"], "social");
    assert_eq!(rows[0]["status"], Value::Null);
    assert_eq!(rows[1]["event_id"], "edge-1");
    assert_eq!(rows[1]["is_bot"], "true");
    assert_eq!(rows[1]["status"], "200");

    // Lambda retries a batch: S3 is overwritten, not duplicated; the view de-duplicates BigQuery
    // (bqemulator ignores insertId, so the raw table shows the retry).
    invoke(&pipeline, invocation);
    assert_eq!(s.moto.keys(&bucket, "events/"), keys);
    assert_eq!(s.moto.all_lines(&bucket, "events/").len(), 2);
    assert_eq!(s.bigquery.count("kinesis_batch.events"), 4);
    assert_eq!(s.bigquery.count("kinesis_batch.events_dedup"), 2);
}

#[test]
fn a_row_bigquery_rejects_for_good_becomes_a_dead_letter_with_its_whole_raw_record() {
    let s = stand_ins();
    let env = set_up("rejected");
    let bucket = value(&env, "FOOTFALL_BUCKET");
    let pipeline = pipeline(&env, &s.moto.endpoint(), &s.bigquery.endpoint());
    // A record the processor decodes and enriches but BigQuery refuses: a TIMESTAMP in year 0
    // (BigQuery's range starts at 0001-01-01). Nothing here fakes the refusal: bqemulator checks
    // each row itself and answers `insertErrors` for this one, as BigQuery does with
    // `skipInvalidRows`. The undecodable record before it shifts event indexes against record
    // indexes, so a dead letter made from the wrong record would show.
    let mut year_zero: Value = serde_json::from_slice(&edge_event("rejected-1")).unwrap();
    year_zero["timestamp"] = json!("0000-06-01T12:00:00.000Z");
    let year_zero = serde_json::to_vec(&year_zero).unwrap();
    let invocation = kinesis_invocation(&[
        ("500", article_event()),
        ("501", b"{not json".to_vec()),
        ("502", edge_event("kept-1")),
        ("503", year_zero.clone()),
        ("504", edge_event("kept-2")),
    ]);
    let response = invoke(&pipeline, invocation);
    assert_eq!(
        failures(&response),
        Vec::<String>::new(),
        "a row refused for good does not fail the batch"
    );

    let letters = s.moto.all_lines(&bucket, "errors/");
    let mut sequences: Vec<&str> = letters
        .iter()
        .map(|l| l["sequence"].as_str().unwrap())
        .collect();
    sequences.sort();
    assert_eq!(sequences, ["501", "503"], "{letters:?}");
    let rejected = letters.iter().find(|l| l["sequence"] == "503").unwrap();
    assert_eq!(rejected["shard"], "shardId-000000000000");
    // Only the start of the reason: bqemulator's message names the request's first column, not
    // the one it could not convert.
    let reason = rejected["reason"].as_str().unwrap();
    assert!(
        reason.starts_with("BigQuery rejected the row: invalid: "),
        "{reason}"
    );
    let raw = base64::engine::general_purpose::STANDARD
        .decode(rejected["record_base64"].as_str().unwrap())
        .unwrap();
    assert_eq!(raw, year_zero, "the whole raw record, byte for byte");

    // The other rows went in.
    let ids: Vec<Value> = s
        .bigquery
        .query(&format!(
            "SELECT event_id FROM `{PROJECT}.rejected.events` ORDER BY event_id"
        ))
        .into_iter()
        .map(|row| row["event_id"].clone())
        .collect();
    let article_id = s.bigquery.query(&format!(
        "SELECT event_id FROM `{PROJECT}.rejected.events` WHERE browser_family = 'Chrome'"
    ));
    assert_eq!(article_id.len(), 1, "the article's event is in BigQuery");
    let mut expected = vec![
        article_id[0]["event_id"].clone(),
        json!("kept-1"),
        json!("kept-2"),
    ];
    expected.sort_by_key(|v| v.as_str().unwrap().to_string());
    assert_eq!(ids, expected);
}

#[test]
fn a_statement_bigquery_reports_as_failed_fails_and_a_good_one_answers() {
    let s = stand_ins();
    set_up("statements");
    runtime().block_on(async {
        let warehouse = local_warehouse("statements", &s.bigquery.endpoint()).await;
        // bqemulator answers both with HTTP 200; the failed one lists its errors and no columns.
        let missing = warehouse
            .query(
                &format!("SELECT * FROM `{PROJECT}.statements.missing`"),
                &[],
            )
            .await
            .unwrap_err()
            .to_string();
        assert!(
            missing.starts_with("query failed: ") && missing.contains("missing was not found"),
            "{missing}"
        );
        let answer = warehouse
            .query(
                &format!("SELECT COUNT(*) AS n, @host AS host FROM `{PROJECT}.statements.events`"),
                &[("host".into(), "www.example.com".into())],
            )
            .await
            .unwrap();
        assert_eq!(
            answer.columns,
            [
                ("n".to_string(), "INTEGER".to_string()),
                ("host".into(), "STRING".into())
            ]
        );
        assert_eq!(answer.rows, [vec![json!("0"), json!("www.example.com")]]);
    });
}

#[test]
fn the_firehose_transformation_returns_every_record_and_writes_bigquery() {
    let s = stand_ins();
    let env = set_up("firehose");
    let pipeline = pipeline(&env, &s.moto.endpoint(), &s.bigquery.endpoint());
    let encode = |data: &[u8]| base64::engine::general_purpose::STANDARD.encode(data);
    let invocation = json!({
        "invocationId": "invocation-1",
        "deliveryStreamArn": "arn:aws:firehose:us-east-1:123456789012:deliverystream/footfall",
        "region": "us-east-1",
        "records": [
            {"recordId": "r1", "approximateArrivalTimestamp": 1_544_976_184_123u64, "data": encode(&article_event())},
            {"recordId": "r2", "approximateArrivalTimestamp": 1_544_976_184_124u64, "data": encode(b"\xff\xfe")},
        ]
    });
    let response = invoke(&pipeline, invocation);
    let records = response["records"].as_array().unwrap();
    assert_eq!(records.len(), 2);
    assert_eq!(
        (
            records[0]["recordId"].as_str(),
            records[0]["result"].as_str()
        ),
        (Some("r1"), Some("Ok"))
    );
    let enriched = base64::engine::general_purpose::STANDARD
        .decode(records[0]["data"].as_str().unwrap())
        .unwrap();
    assert!(
        enriched.ends_with(b"\n"),
        "one NDJSON line per record for Firehose's S3 object"
    );
    let enriched: Value = serde_json::from_slice(&enriched).unwrap();
    assert_eq!(
        (
            enriched["browser_family"].as_str(),
            enriched["city_name"].as_str()
        ),
        (Some("Chrome"), Some("London"))
    );
    assert_eq!(records[1]["result"], "ProcessingFailed");
    assert_eq!(
        base64::engine::general_purpose::STANDARD
            .decode(records[1]["data"].as_str().unwrap())
            .unwrap(),
        b"\xff\xfe"
    );
    // Firehose writes S3 itself; the processor wrote BigQuery (and no events to the bucket).
    assert_eq!(s.bigquery.count("firehose.events"), 1);
    assert_eq!(
        s.moto.keys(&value(&env, "FOOTFALL_BUCKET"), "events/"),
        Vec::<String>::new()
    );
}

#[test]
fn sinks_failing_for_a_while_fail_the_batch_then_it_goes_through_once() {
    let s = stand_ins();
    let env = set_up("outage");
    let bucket = value(&env, "FOOTFALL_BUCKET");
    // BigQuery answers 500 three times (retried within the batch); S3 answers 500 on its first
    // eight connections, more than the SDK's own retries: the batch fails, Lambda retries it.
    let flaky_s3 = FaultProxy::start(s.moto.port, Fault::FailFirst(8));
    let flaky_bigquery = FaultProxy::start(s.bigquery.port, Fault::FailFirst(3));
    let pipeline = pipeline(
        &env,
        &format!("http://127.0.0.1:{}", flaky_s3.port),
        &format!("http://127.0.0.1:{}/bigquery/v2", flaky_bigquery.port),
    );
    let invocation =
        kinesis_invocation(&[("200", article_event()), ("201", edge_event("edge-outage"))]);
    let mut attempts = 0;
    let response = loop {
        attempts += 1;
        let response = invoke(&pipeline, invocation.clone());
        if failures(&response).is_empty() || attempts == 5 {
            break response;
        }
        assert_eq!(
            failures(&response),
            ["200"],
            "the whole batch is retried from its first record"
        );
    };
    assert_eq!(
        failures(&response),
        Vec::<String>::new(),
        "delivered after {attempts} attempts"
    );
    assert!(
        attempts > 1,
        "the outage must have failed at least one attempt"
    );
    assert!(flaky_s3.connections() > 8 && flaky_bigquery.connections() > 3);
    assert_eq!(
        s.moto.all_lines(&bucket, "events/").len(),
        2,
        "nothing lost, nothing doubled in S3"
    );
    assert_eq!(
        s.bigquery.count("outage.events_dedup"),
        2,
        "nothing lost, nothing doubled in the view"
    );
}

#[test]
fn consume_resumes_from_its_checkpoint_after_a_restart() {
    let s = stand_ins();
    let env = set_up("consume");
    let mut env = env;
    env.push((
        "AWS_ENDPOINT_URL_KINESIS".into(),
        format!("http://127.0.0.1:{}", s.kinesalite.port),
    ));
    let stream = "consume-events";
    s.kinesalite.create_stream(stream, 2);
    let events: Vec<Vec<u8>> = (0..60)
        .map(|i| {
            if i == 30 {
                b"garbage".to_vec()
            } else {
                edge_event(&format!("consume-{i:02}"))
            }
        })
        .collect();
    s.kinesalite.put_records(stream, &events);
    let dir = tempfile::tempdir().unwrap();
    let checkpoint = dir.path().join("checkpoint.json");
    let checkpoint_arg = checkpoint.to_str().unwrap();
    let common = [
        "consume",
        "--stream",
        stream,
        "--batch-size",
        "10",
        "--checkpoint-file",
        checkpoint_arg,
        "--idle-poll-ms",
        "100",
    ];

    // First run: stops after two batches (a crash or a deploy), checkpoint on disk.
    processor(&env, &[&common[..], &["--max-batches", "2"]].concat());
    let first = s.bigquery.count("consume.events");
    assert!(
        first > 0 && first < 59,
        "{first} events after the first run"
    );
    assert!(std::fs::read_to_string(&checkpoint)
        .unwrap()
        .contains("shardId-"));
    // Second run: from the checkpoint to the end of every shard.
    let output = processor(&env, &[&common[..], &["--stop-at-end"]].concat());
    assert!(String::from_utf8_lossy(&output.stderr).contains("dead letters"));

    // bqemulator keeps duplicates, so exactly 59 rows means nothing doubled and nothing missed.
    assert_eq!(s.bigquery.count("consume.events"), 59);
    let ids = s.bigquery.query(&format!(
        "SELECT COUNT(DISTINCT event_id) AS n FROM `{PROJECT}.consume.events`"
    ));
    assert_eq!(ids[0]["n"], "59");
    let bucket = value(&env, "FOOTFALL_BUCKET");
    assert_eq!(s.moto.all_lines(&bucket, "events/").len(), 59);
    assert_eq!(s.moto.all_lines(&bucket, "errors/").len(), 1);
}

/// A page view as the edge reports it, for scripting visits with known outcomes.
fn page_view(
    id: &str,
    ids: Option<(&str, &str)>,
    time: &str,
    path_and_query: &str,
    referrer: Option<&str>,
    ua: &str,
    purpose: Option<&str>,
) -> Vec<u8> {
    let (path, query) = path_and_query
        .split_once('?')
        .unwrap_or((path_and_query, ""));
    serde_json::to_vec(&RawEvent {
        schema: RAW_SCHEMA_V1.into(),
        request: PageRequest {
            event_id: id.into(),
            visitor_id: ids.map(|(visitor, _)| visitor.into()),
            session_id: ids.map(|(_, session)| session.into()),
            timestamp: format!("2026-11-30T{time}:00.000Z"),
            method: Some("GET".into()),
            url: format!("https://www.example.com{path_and_query}"),
            host: "www.example.com".into(),
            path: path
                .split('/')
                .filter(|s| !s.is_empty())
                .map(String::from)
                .collect(),
            query: query
                .split('&')
                .filter_map(|pair| pair.split_once('='))
                .map(|(param, value)| QueryParam {
                    param: param.into(),
                    value: value.into(),
                })
                .collect(),
            referrer: referrer.map(String::from),
            language: Some("en".into()),
            status: Some(200),
            purpose: purpose.map(String::from),
            ..Default::default()
        },
        ip: Some("81.2.69.142".into()),
        ua: Some(ua.into()),
        gpc: ids.is_none(),
        ..Default::default()
    })
    .unwrap()
}

#[test]
fn sessions_rebuilt_without_session_cookies_follow_the_edges_rules() {
    let s = stand_ins();
    let env = set_up("rebuilt");
    let pipeline = pipeline(&env, &s.moto.endpoint(), &s.bigquery.endpoint());
    let campaign =
        |name: &str| format!("/?utm_source=newsletter&utm_medium=email&utm_campaign={name}");
    // Session ids are all the same: the view must not use them.
    let view = |id: &str, visitor: &str, time: &str, path: &str| {
        page_view(
            id,
            Some((visitor, "no-cookie")),
            time,
            path,
            None,
            ARTICLE_UA,
            None,
        )
    };
    let script = [
        // 30 minutes to the second continue a session; 31 do not.
        view("r1", "v1", "10:00", "/"),
        view("r2", "v1", "10:30", "/a"),
        view("r3", "v1", "11:01", "/b"),
        // Direct, then a campaign five minutes later (new session), pages without a campaign
        // and the same campaign again (same session), another campaign, the first again.
        view("r4", "v2", "09:00", "/"),
        view("r5", "v2", "09:05", &campaign("spring")),
        view("r6", "v2", "09:10", "/products"),
        view("r7", "v2", "09:15", &campaign("spring")),
        view("r8", "v2", "09:20", "/products/x"),
        view("r9", "v2", "09:25", &campaign("autumn")),
        view("r10", "v2", "09:30", &campaign("spring")),
        // A campaign, a timeout, then the same campaign within 30 minutes of a direct page:
        // the campaign of a session that timed out does not carry over.
        view("r11", "v3", "15:00", &campaign("summer")),
        view("r12", "v3", "15:45", "/"),
        view("r13", "v3", "15:50", &campaign("summer")),
    ];
    let invocation = numbered_invocation(400, script);
    // Delivered twice, as a Lambda retry would: the views must not count anything twice.
    for _ in 0..2 {
        assert_eq!(
            failures(&invoke(&pipeline, invocation.clone())),
            Vec::<String>::new()
        );
    }
    assert_eq!(
        s.bigquery.count("rebuilt.events"),
        26,
        "both deliveries are in the table"
    );
    assert_eq!(s.bigquery.count("rebuilt.pageviews"), 13);

    let sessions: Vec<(String, String, String)> = s
        .bigquery
        .query(&format!(
            "SELECT visitor_id, pageviews, campaign FROM `{PROJECT}.rebuilt.sessions_rebuilt` \
             ORDER BY visitor_id, session_start"
        ))
        .iter()
        .map(|row| {
            let text = |c: &str| row[c].as_str().unwrap().to_string();
            (text("visitor_id"), text("pageviews"), text("campaign"))
        })
        .collect();
    let expected: Vec<(String, String, String)> = [
        ("v1", "2", "(none)"),
        ("v1", "1", "(none)"),
        ("v2", "1", "(none)"),
        ("v2", "4", "spring"),
        ("v2", "1", "autumn"),
        ("v2", "1", "spring"),
        ("v3", "1", "summer"),
        ("v3", "1", "(none)"),
        ("v3", "1", "summer"),
    ]
    .iter()
    .map(|(v, n, c)| (v.to_string(), n.to_string(), c.to_string()))
    .collect();
    assert_eq!(sessions, expected);
}

#[test]
fn sql_tables_events_sql_creates_the_table_by_hand() {
    let env = set_up("by_hand");
    let ddl = concat!(env!("CARGO_MANIFEST_DIR"), "/../sql/tables/events.sql");
    processor(&env, &["--bigquery-table", "manual", "query", ddl]);
    let bigquery = &stand_ins().bigquery;
    let (by_hand, by_setup) = (
        bigquery.table("by_hand", "manual"),
        bigquery.table("by_hand", "events"),
    );
    assert_eq!(
        canonical_types(by_hand["schema"].clone()),
        canonical_types(by_setup["schema"].clone()),
        "the same columns, types and modes"
    );
    // The DDL's PARTITION BY and CLUSTER BY cannot be checked here: bqemulator keeps neither
    // from DDL (its tables.get shows no timePartitioning for the table), only from the API.
}

#[test]
fn setup_adds_a_newer_events_columns_to_an_existing_table_and_keeps_its_rows() {
    let env = set_up("grown");
    let bigquery = &stand_ins().bigquery;
    // A table as an older footfall made it: the columns of the time, one row.
    bigquery.query(&format!(
        "CREATE TABLE `{PROJECT}.grown.older` (event_id STRING NOT NULL, \
         timestamp TIMESTAMP NOT NULL, url STRING)"
    ));
    bigquery.query(&format!(
        "INSERT INTO `{PROJECT}.grown.older` (event_id, timestamp, url) \
         VALUES ('old-1', TIMESTAMP '2026-11-01 10:00:00', 'https://example.com/')"
    ));
    let setup = ["--bigquery-table", "older", "setup"];
    processor(&env, &setup);
    let names = || -> Vec<String> {
        let table = bigquery.table("grown", "older");
        let fields = table["schema"]["fields"].as_array().unwrap().clone();
        fields
            .iter()
            .map(|f| f["name"].as_str().unwrap().to_string())
            .collect()
    };
    let current = bigquery.table("grown", "events");
    let expected: Vec<String> = current["schema"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["name"].as_str().unwrap().to_string())
        .collect();
    let mut grown = names();
    assert_eq!(
        &grown[..3],
        ["event_id", "timestamp", "url"],
        "old columns first"
    );
    grown.sort();
    let mut all = expected.clone();
    all.sort();
    assert_eq!(grown, all, "every column of the current schema");
    processor(&env, &setup); // idempotent
    assert_eq!(names().len(), expected.len());
    assert_eq!(bigquery.count("grown.older"), 1, "the old row is kept");
}

/// A table schema with BigQuery's type aliases (`BOOL`, `INT64`, ...) spelled one way, as
/// BigQuery itself reports them.
fn canonical_types(mut schema: Value) -> Value {
    if let Some(fields) = schema["fields"].as_array_mut() {
        for field in fields {
            let canonical = match field["type"].as_str() {
                Some("BOOL") => "BOOLEAN",
                Some("INT64") => "INTEGER",
                Some("FLOAT64") => "FLOAT",
                Some("STRUCT") => "RECORD",
                Some(other) => other,
                None => "",
            };
            field["type"] = json!(canonical);
            *field = canonical_types(field.clone());
        }
    }
    schema
}

/// A service account key (a fresh RSA key from `openssl`; nothing in it is real).
fn service_account_key() -> String {
    let pem = Command::new("openssl")
        .args([
            "genpkey",
            "-algorithm",
            "RSA",
            "-pkeyopt",
            "rsa_keygen_bits:2048",
        ])
        .output()
        .expect("openssl makes the test's throwaway RSA key");
    json!({
        "type": "service_account",
        "project_id": PROJECT,
        "private_key_id": "test",
        "private_key": String::from_utf8(pem.stdout).unwrap(),
        "client_email": "footfall@footfall-test.iam.gserviceaccount.com",
        "client_id": "1",
        "auth_uri": "https://accounts.google.com/o/oauth2/auth",
        "token_uri": "http://127.0.0.1:9/token"
    })
    .to_string()
}

#[test]
fn the_google_key_is_read_from_secrets_manager() {
    let s = stand_ins();
    let key = service_account_key();
    runtime().block_on(async {
        let aws = local_aws(&s.moto.endpoint()).await;
        let secrets = aws_sdk_secretsmanager::Client::new(&aws);
        for (name, value) in [
            ("footfall/google-key", key.as_str()),
            ("footfall/not-a-key", "hunter2"),
        ] {
            secrets
                .create_secret()
                .name(name)
                .secret_string(value)
                .send()
                .await
                .unwrap();
        }
        let credentials = |secret: &'static str| {
            let settings = Settings::try_parse_from([
                "footfall-processor",
                "--bigquery-project",
                PROJECT,
                "--google-credentials-secret",
                secret,
            ])
            .unwrap();
            let aws = aws.clone();
            async move { settings.sinks.google_credentials(&aws).await }
        };
        let connect = |credentials: GoogleCredentials| {
            Warehouse::connect(WarehouseSettings {
                project: PROJECT.into(),
                dataset: "footfall".into(),
                table: "events".into(),
                endpoint: None,
                credentials,
                retry: RetryPolicy::default(),
            })
        };

        let read = credentials("footfall/google-key").await.unwrap();
        assert!(matches!(&read, GoogleCredentials::Key(json) if *json == key));
        assert!(connect(read).await.is_ok(), "a client signs with the key");

        let not_a_key = credentials("footfall/not-a-key").await.unwrap();
        let error = connect(not_a_key).await.err().unwrap().to_string();
        assert!(error.contains("not a service account key"), "{error}");
        assert!(
            !error.contains("hunter2"),
            "the secret is never printed: {error}"
        );

        let missing = credentials("footfall/missing").await.unwrap_err();
        assert!(missing.contains("footfall/missing"), "{missing}");
    });
}

#[test]
fn setup_creates_the_bucket_in_the_region_outside_us_east_1_too() {
    let s = stand_ins();
    let mut env = common::env("frankfurt", &s.moto.endpoint(), &s.bigquery.endpoint());
    env.retain(|(key, _)| key != "AWS_REGION");
    env.push(("AWS_REGION".into(), "eu-central-1".into()));
    processor(&env, &["setup"]);
    processor(&env, &["setup"]); // the bucket exists now: still fine
    assert_eq!(
        s.moto.keys(&value(&env, "FOOTFALL_BUCKET"), ""),
        Vec::<String>::new(),
        "an empty bucket"
    );
}

#[test]
fn the_scheduled_report_is_written_to_the_bucket() {
    let s = stand_ins();
    let env = set_up("scheduled_report");
    let bucket = value(&env, "FOOTFALL_BUCKET");
    let pipeline = pipeline(&env, &s.moto.endpoint(), &s.bigquery.endpoint());
    let batch = kinesis_invocation(&[("100", article_event()), ("101", edge_event("edge-1"))]);
    assert_eq!(failures(&invoke(&pipeline, batch)), Vec::<String>::new());
    // EventBridge's scheduled event, the morning after the article's visit.
    let schedule = json!({
        "version": "0", "id": "c0ffee00-0000-0000-0000-000000000000",
        "detail-type": "Scheduled Event", "source": "aws.events", "account": "123456789012",
        "time": "2018-12-17T06:00:00Z", "region": "eu-central-1",
        "resources": ["arn:aws:events:eu-central-1:123456789012:rule/footfall-report"],
        "detail": {}
    });
    let answer = invoke(&pipeline, schedule);
    assert_eq!(answer, json!({ "report": "reports/2018-12-16.html" }));
    let (page, content_type) = s.moto.object(&bucket, "reports/2018-12-16.html");
    let page = String::from_utf8(page).unwrap();
    assert_eq!(content_type.as_deref(), Some("text/html; charset=utf-8"));
    assert!(
        page.contains("2018-11-19 to 2018-12-16 (28 days)"),
        "{page}"
    );
    // The article's page view, and Googlebot among the crawlers.
    assert!(
        page.contains("data-metric=\"pageviews\"><dt>Page views</dt><dd>1</dd>"),
        "{page}"
    );
    assert!(page.contains("<td>Google</td><td>Googlebot</td>"), "{page}");
}

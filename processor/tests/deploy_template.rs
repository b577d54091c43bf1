//! deploy/template.yaml against the processor: the Lambda gets every setting the processor
//! reads in production, and nothing it does not read (a typo there would silently do nothing).

use clap::CommandFactory;
use footfall_processor::cli::Cli;
use serde_yaml::Value;
use std::collections::BTreeSet;

/// Settings the Lambda has no use for, and why.
const NOT_IN_LAMBDA: &[(&str, &str)] = &[
    (
        "FOOTFALL_BIGQUERY_ENDPOINT",
        "an emulator's URL, for local runs",
    ),
    (
        "GOOGLE_APPLICATION_CREDENTIALS",
        "a key file; the Lambda reads the key from Secrets Manager",
    ),
    (
        "FOOTFALL_UAP_REGEXES",
        "the uap-core rules are compiled in; set it only to ship newer rules in a layer",
    ),
    (
        "FOOTFALL_CRAWLERS",
        "the crawler list is compiled in; set it only to ship a newer list in a layer",
    ),
    (
        "FOOTFALL_BOT_RANGES",
        "the crawler ranges are compiled in, and with the edge's default ip_mode its verdict is the one that counts; set it only to ship newer lists in a layer",
    ),
];

/// Every environment variable the processor's global options read (the `lambda` command has
/// no options of its own).
fn processor_settings() -> BTreeSet<String> {
    Cli::command()
        .get_arguments()
        .filter_map(|arg| arg.get_env())
        .map(|env| env.to_string_lossy().into_owned())
        .collect()
}

fn template() -> Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../deploy/template.yaml");
    serde_yaml::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// The environment variables set on the processor function (its own and the template's
/// function globals).
fn lambda_settings(template: &Value) -> BTreeSet<String> {
    let functions = template["Resources"]
        .as_mapping()
        .unwrap()
        .values()
        .filter(|r| r["Type"].as_str() == Some("AWS::Serverless::Function"))
        .map(|r| &r["Properties"]);
    functions
        .chain([&template["Globals"]["Function"]])
        .filter_map(|props| props["Environment"]["Variables"].as_mapping())
        .flat_map(|vars| vars.keys())
        .map(|key| key.as_str().unwrap().to_string())
        .collect()
}

#[test]
fn the_lambda_gets_every_setting_the_processor_reads_in_production() {
    let template = template();
    let set = lambda_settings(&template);
    for setting in processor_settings() {
        let exempt = NOT_IN_LAMBDA.iter().any(|(name, _)| *name == setting);
        assert!(
            set.contains(&setting) || exempt,
            "deploy/template.yaml does not set {setting} on the processor"
        );
    }
    for (name, _) in NOT_IN_LAMBDA {
        assert!(!set.contains(*name), "{name} is not for the Lambda");
    }
}

#[test]
fn the_lambda_sets_nothing_the_processor_does_not_read() {
    let read = processor_settings();
    for setting in lambda_settings(&template()) {
        assert!(
            read.contains(&setting) || setting == "RUST_LOG",
            "deploy/template.yaml sets {setting}, which the processor never reads"
        );
    }
}

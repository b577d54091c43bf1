//! footfall-processor: glue between the command line (or Lambda) and the pipeline.

use clap::Parser;
use footfall_processor::aws;
use footfall_processor::cli::{Cli, Command};
use footfall_processor::enrich::uap_suites;
use footfall_processor::pipeline::Pipeline;
use footfall_processor::query;
use footfall_processor::report;
use footfall_processor::sink::schema;
use footfall_processor::source::{consume, lambda, stdin};
use std::process::ExitCode;

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    let in_lambda = std::env::var_os("AWS_LAMBDA_RUNTIME_API").is_some();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        );
    if in_lambda {
        subscriber.json().init();
    } else {
        subscriber.init();
    }
    match run(cli, in_lambda).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("footfall-processor: {error}");
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli, in_lambda: bool) -> Result<(), String> {
    let command = match cli.command {
        Some(command) => command,
        None if in_lambda => Command::Lambda,
        None => return Err("no command given; see --help".into()),
    };
    // Only the commands that talk to AWS load its configuration (region, credentials, endpoints).
    let aws = aws::config;
    let settings = &cli.settings;
    match command {
        Command::Enrich => {
            let pipeline = Pipeline::new(settings.enrichment.enricher()?, Default::default());
            let summary = stdin::enrich(
                &pipeline,
                std::io::stdin().lock(),
                // Block-buffered: stdout's own line buffering would cost a write per event.
                std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock()),
                std::io::stderr(),
            )
            .map_err(|e| format!("enrich: {e}"))?;
            eprintln!(
                "footfall-processor: {} events enriched, {} lines failed",
                summary.enriched, summary.failed
            );
            Ok(())
        }
        Command::Setup(args) => {
            let sinks = settings.sinks.sinks(&aws().await).await?;
            if let Some(archive) = &sinks.archive {
                archive.create_bucket().await.map_err(|e| e.to_string())?;
                eprintln!("footfall-processor: bucket ready");
            }
            if let Some(warehouse) = &sinks.warehouse {
                warehouse
                    .set_up(&args.options())
                    .await
                    .map_err(|e| e.to_string())?;
                eprintln!("footfall-processor: BigQuery dataset, table and views ready");
            }
            Ok(())
        }
        Command::CheckRules { suites } => {
            let rules = &settings.enrichment;
            let enricher = rules.enricher()?;
            let counts = enricher.user_agents().rule_counts();
            println!(
                "uap-core rules: {} (user agent {}, os {}, device {})",
                counts.user_agent + counts.os + counts.device,
                counts.user_agent,
                counts.os,
                counts.device
            );
            for score in uap_suites::score(enricher.user_agents(), &suites)? {
                println!("{score}");
            }
            println!("crawler list: {} patterns", enricher.crawlers().len());
            Ok(())
        }
        Command::Ddl { json: false } => {
            print!("{}", schema::ddl());
            Ok(())
        }
        Command::Ddl { json: true } => {
            println!("{}", schema::json_schema_text());
            Ok(())
        }
        Command::Report(args) => {
            let now = time::OffsetDateTime::now_utc();
            let options = args.questions.options(
                args.start.as_deref(),
                args.end.as_deref(),
                args.host.as_deref(),
                now.date(),
            )?;
            let sinks = settings.sinks.sinks(&aws().await).await?;
            let warehouse = sinks
                .warehouse
                .ok_or("report needs BigQuery: set FOOTFALL_BIGQUERY_PROJECT")?;
            let page = report::generate(&warehouse, &options, now).await?;
            match &args.output {
                Some(path) => {
                    std::fs::write(path, &page).map_err(|e| format!("{}: {e}", path.display()))?
                }
                None => print!("{page}"),
            }
            eprintln!(
                "footfall-processor: report for {} to {}: {} bytes",
                options.period.start,
                options.period.end,
                page.len()
            );
            Ok(())
        }
        Command::Serve(args) => {
            let sinks = settings.sinks.sinks(&aws().await).await?;
            let warehouse = sinks
                .warehouse
                .ok_or("serve needs BigQuery: set FOOTFALL_BIGQUERY_PROJECT")?;
            report::serve::serve(warehouse, args.questions, args.port).await
        }
        Command::Query(args) => {
            let sql = if args.file.as_os_str() == "-" {
                std::io::read_to_string(std::io::stdin()).map_err(|e| format!("stdin: {e}"))?
            } else {
                std::fs::read_to_string(&args.file)
                    .map_err(|e| format!("{}: {e}", args.file.display()))?
            };
            let sinks = settings.sinks.sinks(&aws().await).await?;
            let warehouse = sinks
                .warehouse
                .ok_or("query needs BigQuery: set FOOTFALL_BIGQUERY_PROJECT")?;
            let (table, rows) = query::run(&warehouse, &sql, &args.params)
                .await
                .map_err(|e| e.to_string())?;
            print!("{table}");
            eprintln!("footfall-processor: {rows} rows");
            Ok(())
        }
        Command::Consume(args) => {
            let aws = aws().await;
            let pipeline = settings.pipeline(&aws).await?;
            let kinesis = aws_sdk_kinesis::Client::new(&aws);
            let (stop, shutdown) = tokio::sync::watch::channel(false);
            tokio::spawn(async move {
                if tokio::signal::ctrl_c().await.is_ok() {
                    eprintln!("footfall-processor: stopping after the current batch");
                    let _ = stop.send(true);
                }
            });
            let summary = consume::consume(&pipeline, &kinesis, &args.options(), shutdown)
                .await
                .map_err(|e| e.to_string())?;
            eprintln!(
                "footfall-processor: {} batches, {} events, {} dead letters",
                summary.batches, summary.events, summary.dead_letters
            );
            Ok(())
        }
        Command::Lambda => {
            let pipeline = settings.pipeline(&aws().await).await?;
            let pipeline = &pipeline;
            lambda_runtime::run(lambda_runtime::service_fn(
                move |event: lambda_runtime::LambdaEvent<serde_json::Value>| async move {
                    lambda::handle(pipeline, event.payload).await
                },
            ))
            .await
            .map_err(|e| format!("Lambda runtime: {e}"))
        }
    }
}

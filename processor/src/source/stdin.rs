//! `footfall-processor enrich`: NDJSON raw events in, enriched NDJSON out; a line that cannot be
//! processed is reported on stderr with its number, and the rest go on.

use crate::batch::{Position, Record};
use crate::pipeline::Pipeline;
use std::io::{BufRead, Write};

/// Lines enriched per batch: large enough to amortise, small enough to stream.
const LINES_PER_BATCH: usize = 1000;

/// What a run of `enrich` did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Summary {
    pub enriched: usize,
    pub failed: usize,
}

pub fn enrich(
    pipeline: &Pipeline,
    input: impl BufRead,
    mut output: impl Write,
    mut errors: impl Write,
) -> std::io::Result<Summary> {
    let mut summary = Summary::default();
    let mut records = Vec::with_capacity(LINES_PER_BATCH);
    let mut flush = |records: &mut Vec<Record>,
                     summary: &mut Summary,
                     output: &mut dyn Write|
     -> std::io::Result<()> {
        let batch = pipeline.process(records);
        for event in &batch.events {
            serde_json::to_writer(&mut *output, event)?;
            output.write_all(b"\n")?;
        }
        for letter in &batch.dead_letters {
            writeln!(
                errors,
                "line {}: {}",
                letter.position.sequence, letter.reason
            )?;
        }
        summary.enriched += batch.events.len();
        summary.failed += batch.dead_letters.len();
        records.clear();
        Ok(())
    };
    for (number, line) in input.split(b'\n').enumerate() {
        let line = line?;
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        let position = Position {
            source: "stdin".into(),
            shard: "stdin".into(),
            sequence: (number + 1).to_string(),
        };
        records.push(Record {
            data: line,
            position,
        });
        if records.len() == LINES_PER_BATCH {
            flush(&mut records, &mut summary, &mut output)?;
        }
    }
    flush(&mut records, &mut summary, &mut output)?;
    output.flush()?;
    Ok(summary)
}

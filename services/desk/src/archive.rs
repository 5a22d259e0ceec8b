//! The archive on disk: a tantivy index of every article version and alert the desk read,
//! with the bus positions it had read up to in each of its commits.
//!
//! [`Archive::open`] gives the two halves: an [`ArchiveWriter`] for the one ingest task and an
//! [`ArchiveReader`] (cheap to clone) for the searches. The writer keeps one document per
//! article version (replaced, not doubled, when a version comes again) and marks the newest
//! version of each uri `latest`; a commit makes everything written so far searchable and
//! records with it the positions it covers, so a restarted desk reads on from exactly there.

use crate::schema::{ArchiveSchema, article_key, micros, version_of};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;
use tantivy::collector::TopDocs;
use tantivy::columnar::Column;
use tantivy::query::{BooleanQuery, Occur, RangeQuery, TermQuery};
use tantivy::schema::{IndexRecordOption, Value};
use tantivy::{
    Index, IndexReader, IndexWriter, ReloadPolicy, TantivyDocument, Term, directory::MmapDirectory,
};
use wire_model::{Alert, Envelope};
use wire_runtime::bus::Positions;

/// Why the archive could not be opened, written or read.
#[derive(Debug, thiserror::Error)]
pub enum ArchiveError {
    #[error("archive index: {0}")]
    Index(#[from] tantivy::TantivyError),
    #[error("archive directory {path}: {reason}")]
    Directory { path: String, reason: String },
    #[error("archive commit payload is not readable: {0}")]
    Payload(String),
}

/// What a commit records beside the documents.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CommitPayload {
    /// The bus the positions belong to (`kafka:<bootstrap servers>`, or `memory:<process>`).
    pub bus: String,
    /// The next offset to read, by topic and partition.
    pub positions: Vec<(String, i32, i64)>,
    /// The sequence number the next document gets.
    pub next_seq: u64,
}

impl CommitPayload {
    /// The positions to read from when the bus is `bus` (none on another bus).
    pub fn positions_on(&self, bus: &str) -> Positions {
        if self.bus != bus {
            return Positions::new();
        }
        self.positions
            .iter()
            .map(|(topic, partition, offset)| ((topic.clone(), *partition), *offset))
            .collect()
    }
}

/// The archive, opened.
pub struct Archive;

impl Archive {
    /// Opens (or creates) the archive in `dir`; `heap_bytes` is the writer's memory budget.
    pub fn open(
        dir: &Path,
        heap_bytes: usize,
    ) -> Result<(ArchiveWriter, ArchiveReader), ArchiveError> {
        std::fs::create_dir_all(dir).map_err(|error| ArchiveError::Directory {
            path: dir.display().to_string(),
            reason: error.to_string(),
        })?;
        let schema = ArchiveSchema::new();
        let directory = MmapDirectory::open(dir).map_err(|error| ArchiveError::Directory {
            path: dir.display().to_string(),
            reason: error.to_string(),
        })?;
        let index = Index::open_or_create(directory, schema.schema.clone())?;
        ArchiveSchema::register_tokenizer(index.tokenizers());
        let payload: CommitPayload = match index.load_metas()?.payload {
            Some(text) => serde_json::from_str(&text)
                .map_err(|error| ArchiveError::Payload(error.to_string()))?,
            None => CommitPayload::default(),
        };
        // One indexing thread: the desk is one consumer on one core, and one segment per
        // commit keeps the merge policy's work small.
        let writer = index.writer_with_num_threads(1, heap_bytes.max(15_000_000))?;
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        let reader = ArchiveReader {
            index: index.clone(),
            reader,
            schema: Arc::new(schema.clone()),
        };
        Ok((
            ArchiveWriter {
                writer,
                reader: reader.clone(),
                schema,
                committed: payload.clone(),
                positions: payload.positions_on(&payload.bus),
                next_seq: payload.next_seq,
                pending: HashMap::new(),
                written: 0,
            },
            reader,
        ))
    }
}

/// The newest version of a uri written since the last commit.
struct PendingLatest {
    version: u64,
    seq: u64,
    payload: Arc<[u8]>,
}

/// The writing half: one per archive, used by the ingest task.
pub struct ArchiveWriter {
    writer: IndexWriter,
    reader: ArchiveReader,
    schema: ArchiveSchema,
    committed: CommitPayload,
    positions: Positions,
    next_seq: u64,
    pending: HashMap<String, PendingLatest>,
    written: usize,
}

/// What [`ArchiveWriter::add_article`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Added {
    /// The newest version of its uri (the first, or newer than what the archive had).
    Latest,
    /// A version the archive had already: replaced with what came now.
    Replaced,
    /// An older version than the archive's newest, kept in its history.
    Older,
}

impl ArchiveWriter {
    /// What the last commit recorded.
    pub fn committed(&self) -> &CommitPayload {
        &self.committed
    }

    /// Documents written since the last commit.
    pub fn uncommitted(&self) -> usize {
        self.written
    }

    /// Whether positions moved since the last commit (records read that wrote nothing).
    pub fn positions_moved(&self) -> bool {
        self.positions != self.committed.positions_on(&self.committed.bus)
    }

    /// Documents searchable now.
    pub fn searchable(&self) -> u64 {
        self.reader.documents()
    }

    /// Forgets the positions (to read a bus from its beginning, or a new bus).
    pub fn reset_positions(&mut self) {
        self.positions.clear();
    }

    /// Notes that everything before `offset` + 1 in `topic`/`partition` is written.
    pub fn advance(&mut self, topic: &str, partition: i32, offset: i64) {
        self.positions
            .insert((topic.to_owned(), partition), offset + 1);
    }

    /// Adds one article version (its envelope and the payload it came as) at `now`; returns
    /// its sequence number and what it was.
    pub fn add_article(
        &mut self,
        envelope: &Envelope,
        payload: Arc<[u8]>,
        now: DateTime<Utc>,
    ) -> Result<(u64, Added), ArchiveError> {
        let uri = envelope.article.uri.clone();
        let version = version_of(envelope);
        let seq = self.take_seq();
        let current = match self.pending.get(&uri) {
            Some(pending) => Some((pending.version, pending.seq, Some(pending.payload.clone()))),
            None => self.reader.latest_version(&uri)?.map(|(v, s)| (v, s, None)),
        };
        let added = match current {
            None => Added::Latest,
            Some((current, _, _)) if current == version => Added::Replaced,
            Some((current, _, _)) if current > version => Added::Older,
            Some((current, current_seq, current_payload)) => {
                // The newest so far becomes history: written again with `latest` 0.
                let payload = match current_payload {
                    Some(payload) => Some(payload),
                    None => self.reader.stored_payload(&article_key(&uri, current))?,
                };
                if let Some(payload) = payload
                    && let Ok(previous) = Envelope::decode(&payload)
                {
                    self.replace(
                        &article_key(&uri, current),
                        self.schema
                            .article(&previous, &payload, current_seq, false, now),
                    )?;
                }
                Added::Latest
            }
        };
        let latest = added != Added::Older;
        self.replace(
            &article_key(&uri, version),
            self.schema.article(envelope, &payload, seq, latest, now),
        )?;
        if latest {
            self.pending.insert(
                uri,
                PendingLatest {
                    version,
                    seq,
                    payload,
                },
            );
        }
        Ok((seq, added))
    }

    /// Adds one alert; returns its sequence number.
    pub fn add_alert(
        &mut self,
        alert: &Alert,
        payload: &[u8],
        now: DateTime<Utc>,
    ) -> Result<u64, ArchiveError> {
        let seq = self.take_seq();
        let doc = self.schema.alert(alert, payload, seq, now);
        self.replace(&crate::schema::alert_key(alert), doc)?;
        Ok(seq)
    }

    /// Records that the stories `merged` are story `into` from now on.
    pub fn add_merge(
        &mut self,
        into: &str,
        merged: &[String],
        now: DateTime<Utc>,
    ) -> Result<(), ArchiveError> {
        for story in merged.iter().filter(|story| *story != into) {
            let seq = self.take_seq();
            let doc = self.schema.alias(story, into, seq, now);
            self.replace(&crate::schema::alias_key(story), doc)?;
        }
        Ok(())
    }

    /// Deletes what the archive took in before `cutoff`.
    pub fn expire_before(&mut self, cutoff: DateTime<Utc>) -> Result<(), ArchiveError> {
        let term = |micros: u64| Term::from_field_u64(self.schema.indexed, micros);
        self.writer.delete_query(Box::new(RangeQuery::new(
            std::ops::Bound::Unbounded,
            std::ops::Bound::Excluded(term(micros(cutoff))),
        )))?;
        self.written += 1;
        Ok(())
    }

    /// Makes everything written searchable and durable, with the positions read so far on
    /// `bus`.
    pub fn commit(&mut self, bus: &str) -> Result<(), ArchiveError> {
        let payload = CommitPayload {
            bus: bus.to_owned(),
            positions: self
                .positions
                .iter()
                .map(|((topic, partition), offset)| (topic.clone(), *partition, *offset))
                .collect(),
            next_seq: self.next_seq,
        };
        let text = serde_json::to_string(&payload)
            .map_err(|error| ArchiveError::Payload(error.to_string()))?;
        let mut prepared = self.writer.prepare_commit()?;
        prepared.set_payload(&text);
        prepared.commit()?;
        self.reader.reader.reload()?;
        self.committed = payload;
        self.pending.clear();
        self.written = 0;
        Ok(())
    }

    /// Deletes every document (for a rebuild); takes effect at the next commit.
    pub fn clear(&mut self) -> Result<(), ArchiveError> {
        self.writer.delete_all_documents()?;
        self.positions.clear();
        self.pending.clear();
        self.written += 1;
        Ok(())
    }

    fn take_seq(&mut self) -> u64 {
        self.next_seq += 1;
        self.next_seq
    }

    fn replace(&mut self, key: &str, doc: TantivyDocument) -> Result<(), ArchiveError> {
        self.writer
            .delete_term(Term::from_field_text(self.schema.key, key));
        self.writer.add_document(doc)?;
        self.written += 1;
        Ok(())
    }
}

/// The reading half: searches and lookups over the last commit. Cheap to clone.
#[derive(Clone)]
pub struct ArchiveReader {
    pub(crate) index: Index,
    pub(crate) reader: IndexReader,
    pub(crate) schema: Arc<ArchiveSchema>,
}

impl ArchiveReader {
    /// The newest committed version of `uri` and its sequence number.
    fn latest_version(&self, uri: &str) -> Result<Option<(u64, u64)>, ArchiveError> {
        let searcher = self.reader.searcher();
        let query = BooleanQuery::new(vec![
            (Occur::Must, self.term_query(self.schema.uri, uri)),
            (
                Occur::Must,
                Box::new(TermQuery::new(
                    Term::from_field_u64(self.schema.latest, 1),
                    IndexRecordOption::Basic,
                )),
            ),
        ]);
        let hits = searcher.search(&query, &TopDocs::with_limit(1).order_by_score())?;
        let Some((_, address)) = hits.first() else {
            return Ok(None);
        };
        let segment = searcher.segment_reader(address.segment_ord);
        let fast = segment.fast_fields();
        let value = |name: &str| -> Result<u64, ArchiveError> {
            let column: Column<u64> = fast.u64(name)?;
            Ok(column.first(address.doc_id).unwrap_or(0))
        };
        Ok(Some((value("version")?, value("seq")?)))
    }

    /// The stored payload of the document with `key`.
    pub fn stored_payload(&self, key: &str) -> Result<Option<Arc<[u8]>>, ArchiveError> {
        let searcher = self.reader.searcher();
        let query = self.term_query(self.schema.key, key);
        let hits = searcher.search(&query, &TopDocs::with_limit(1).order_by_score())?;
        let Some((_, address)) = hits.first() else {
            return Ok(None);
        };
        let doc: TantivyDocument = searcher.doc(*address)?;
        Ok(doc
            .get_first(self.schema.body)
            .and_then(|value| value.as_bytes())
            .map(Arc::from))
    }

    pub(crate) fn term_query(
        &self,
        field: tantivy::schema::Field,
        text: &str,
    ) -> Box<dyn tantivy::query::Query> {
        Box::new(TermQuery::new(
            Term::from_field_text(field, text),
            IndexRecordOption::Basic,
        ))
    }

    /// Articles and alerts in the last commit (every version counted).
    pub fn documents(&self) -> u64 {
        self.reader.searcher().num_docs()
    }
}

//! The typed metadata a run writes: every field a reader or stage declares,
//! with its type, so Parquet outputs carry typed columns that DuckDB, polars
//! and `datasets` filter without parsing strings, and every file of a run has
//! the same schema — also the files of tasks that never saw a field.
//!
//! A document's `meta` stays a JSON map while it moves through the stages;
//! only the Parquet writer turns it into columns. Values that do not fit
//! their declared type, and keys nobody declared (free-form JSONL fields),
//! are kept as JSON text in `metadata_extra`, so nothing is lost.

use std::sync::Arc;

use arrow_array::{Array, ArrayRef, BooleanArray, Float64Array, Int64Array, ListArray, StringArray, StructArray};
use arrow_buffer::{NullBuffer, OffsetBuffer};
use arrow_schema::{DataType, Field, Fields};
use serde_json::Value;

/// Type of one metadata field.
#[derive(Debug, Clone, PartialEq)]
pub enum MetaType {
    /// UTF-8 text.
    Str,
    /// 64-bit integer.
    Int,
    /// 64-bit float (integers are accepted).
    Float,
    /// true/false.
    Bool,
    /// Anything, stored as JSON text (objects whose keys vary, such as HTTP headers).
    Json,
    /// A list of records with these fields (`lid_top`: `[{lang, score}]`).
    List(Vec<(String, MetaType)>),
}

/// One declared metadata field.
#[derive(Debug, Clone, PartialEq)]
pub struct MetaField {
    pub name: String,
    pub ty: MetaType,
    /// What it holds and who writes it, for the README and `eurocurate schema`.
    pub doc: String,
}

impl MetaField {
    pub fn new(name: &str, ty: MetaType, doc: &str) -> Self {
        MetaField {
            name: name.to_string(),
            ty,
            doc: doc.to_string(),
        }
    }
}

/// A list-of-records type from `(name, type)` pairs.
pub fn list_of(fields: &[(&str, MetaType)]) -> MetaType {
    MetaType::List(fields.iter().map(|(n, t)| (n.to_string(), t.clone())).collect())
}

/// Joins declarations in order; a field declared twice with different types
/// becomes `Json`, which holds either.
pub fn merge(fields: impl IntoIterator<Item = MetaField>) -> Vec<MetaField> {
    let mut out: Vec<MetaField> = Vec::new();
    for f in fields {
        match out.iter_mut().find(|o| o.name == f.name) {
            Some(o) if o.ty != f.ty => o.ty = MetaType::Json,
            Some(_) => {}
            None => out.push(f),
        }
    }
    out
}

impl MetaType {
    /// The Arrow type of the column.
    pub fn arrow(&self) -> DataType {
        match self {
            MetaType::Str | MetaType::Json => DataType::Utf8,
            MetaType::Int => DataType::Int64,
            MetaType::Float => DataType::Float64,
            MetaType::Bool => DataType::Boolean,
            MetaType::List(fields) => DataType::List(Arc::new(Field::new(
                "item",
                DataType::Struct(struct_fields(fields)),
                true,
            ))),
        }
    }

    /// True when `v` can be stored in a column of this type without loss
    /// (null fits every type).
    pub fn fits(&self, v: &Value) -> bool {
        match (self, v) {
            (_, Value::Null) | (MetaType::Json, _) => true,
            (MetaType::Str, Value::String(_)) => true,
            (MetaType::Int, Value::Number(n)) => n.is_i64(),
            (MetaType::Float, Value::Number(_)) => true,
            (MetaType::Bool, Value::Bool(_)) => true,
            (MetaType::List(fields), Value::Array(items)) => items.iter().all(|item| match item {
                Value::Object(m) => {
                    m.keys().all(|k| fields.iter().any(|(n, _)| n == k))
                        && fields.iter().all(|(n, t)| m.get(n).is_none_or(|x| t.fits(x)))
                }
                _ => false,
            }),
            _ => false,
        }
    }

    /// A column of this type from one value per row (`None` = null). Values
    /// must [`fit`](MetaType::fits); one that does not becomes null.
    pub fn column(&self, values: &[Option<&Value>]) -> ArrayRef {
        match self {
            MetaType::Str => Arc::new(
                values
                    .iter()
                    .map(|v| v.and_then(Value::as_str))
                    .collect::<StringArray>(),
            ),
            MetaType::Json => Arc::new(
                values
                    .iter()
                    .map(|v| v.filter(|v| !v.is_null()).map(|v| v.to_string()))
                    .collect::<StringArray>(),
            ),
            MetaType::Int => Arc::new(values.iter().map(|v| v.and_then(Value::as_i64)).collect::<Int64Array>()),
            MetaType::Float => Arc::new(
                values
                    .iter()
                    .map(|v| v.and_then(Value::as_f64))
                    .collect::<Float64Array>(),
            ),
            MetaType::Bool => Arc::new(
                values
                    .iter()
                    .map(|v| v.and_then(Value::as_bool))
                    .collect::<BooleanArray>(),
            ),
            MetaType::List(fields) => {
                let mut lengths = Vec::with_capacity(values.len());
                let mut items: Vec<&Value> = Vec::new();
                let mut valid = Vec::with_capacity(values.len());
                for v in values {
                    match v.and_then(Value::as_array) {
                        Some(list) => {
                            lengths.push(list.len());
                            items.extend(list.iter());
                            valid.push(true);
                        }
                        None => {
                            lengths.push(0);
                            valid.push(false);
                        }
                    }
                }
                let inner = record_array(fields, &items);
                let item_field = Arc::new(Field::new("item", inner.data_type().clone(), true));
                Arc::new(ListArray::new(
                    item_field,
                    OffsetBuffer::from_lengths(lengths),
                    Arc::new(inner),
                    Some(NullBuffer::from(valid)),
                ))
            }
        }
    }
}

fn struct_fields(fields: &[(String, MetaType)]) -> Fields {
    fields.iter().map(|(n, t)| Field::new(n, t.arrow(), true)).collect()
}

/// A struct array of records (JSON objects) with the given fields.
fn record_array(fields: &[(String, MetaType)], records: &[&Value]) -> StructArray {
    let columns: Vec<ArrayRef> = fields
        .iter()
        .map(|(name, ty)| {
            let vals: Vec<Option<&Value>> = records.iter().map(|r| r.get(name)).collect();
            ty.column(&vals)
        })
        .collect();
    StructArray::new(struct_fields(fields), columns, None)
}

/// The Arrow type of the `metadata` struct column for `fields`.
pub fn struct_type(fields: &[MetaField]) -> DataType {
    DataType::Struct(fields.iter().map(|f| Field::new(&f.name, f.ty.arrow(), true)).collect())
}

/// The `metadata` struct column of a batch of documents' metadata maps.
pub fn struct_column(fields: &[MetaField], metas: &[&serde_json::Map<String, Value>]) -> ArrayRef {
    let columns: Vec<ArrayRef> = fields
        .iter()
        .map(|f| {
            let vals: Vec<Option<&Value>> = metas.iter().map(|m| m.get(&f.name).filter(|v| f.ty.fits(v))).collect();
            f.ty.column(&vals)
        })
        .collect();
    let arrow_fields: Fields = fields.iter().map(|f| Field::new(&f.name, f.ty.arrow(), true)).collect();
    Arc::new(StructArray::new(arrow_fields, columns, None))
}

/// The keys of `meta` that have no column or whose value does not fit it,
/// as one JSON object text (`None` when every key has its column).
pub fn extra_json(fields: &[MetaField], meta: &serde_json::Map<String, Value>) -> Option<String> {
    let mut extra = serde_json::Map::new();
    for (k, v) in meta {
        let placed = fields.iter().any(|f| f.name == *k && f.ty.fits(v));
        if !placed {
            extra.insert(k.clone(), v.clone());
        }
    }
    (!extra.is_empty()).then(|| Value::Object(extra).to_string())
}

/// The metadata type of an input column of Arrow type `t`.
pub fn of_arrow(t: &DataType) -> MetaType {
    match t {
        DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View => MetaType::Str,
        DataType::Int8
        | DataType::Int16
        | DataType::Int32
        | DataType::Int64
        | DataType::UInt8
        | DataType::UInt16
        | DataType::UInt32 => MetaType::Int,
        DataType::Float16 | DataType::Float32 | DataType::Float64 => MetaType::Float,
        DataType::Boolean => MetaType::Bool,
        DataType::Dictionary(_, v) => of_arrow(v),
        _ => MetaType::Json,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow_array::Array;
    use serde_json::json;

    #[test]
    fn values_land_in_typed_columns_and_misfits_in_extra() {
        let fields = vec![
            MetaField::new("title", MetaType::Str, ""),
            MetaField::new("n", MetaType::Int, ""),
            MetaField::new(
                "top",
                list_of(&[("lang", MetaType::Str), ("score", MetaType::Float)]),
                "",
            ),
        ];
        let a = json!({"title": "Bonġu", "n": 3, "top": [{"lang": "mt", "score": 0.9}], "free": 1});
        let b = json!({"n": "three"});
        let (a, b) = (a.as_object().unwrap(), b.as_object().unwrap());
        let col = struct_column(&fields, &[a, b]);
        let s = col.as_any().downcast_ref::<StructArray>().unwrap();
        assert_eq!(s.len(), 2);
        let title = s.column(0).as_any().downcast_ref::<StringArray>().unwrap();
        assert_eq!((title.value(0), title.is_null(1)), ("Bonġu", true));
        let n = s.column(1).as_any().downcast_ref::<Int64Array>().unwrap();
        assert_eq!((n.value(0), n.is_null(1)), (3, true));
        let top = s.column(2).as_any().downcast_ref::<ListArray>().unwrap();
        assert_eq!((top.value_length(0), top.is_null(1)), (1, true));
        assert_eq!(extra_json(&fields, a).as_deref(), Some(r#"{"free":1}"#));
        assert_eq!(extra_json(&fields, b).as_deref(), Some(r#"{"n":"three"}"#));
    }

    #[test]
    fn a_field_declared_with_two_types_holds_both_as_json() {
        let m = merge([
            MetaField::new("x", MetaType::Int, ""),
            MetaField::new("y", MetaType::Str, ""),
            MetaField::new("x", MetaType::Str, ""),
        ]);
        assert_eq!(m.len(), 2);
        assert_eq!(m[0].ty, MetaType::Json);
    }
}

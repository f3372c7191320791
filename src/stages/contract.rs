//! What a stage declares about itself, once, on its config type: its
//! `kind:`, its role in the plan (stream or barrier), what it produces (text
//! or token ids), and — through the config's serde and schemars derives and
//! field doc comments — every parameter with its type, default and meaning.
//! `eurocurate stages`, `eurocurate schema`, the README's stage table and the
//! planner's ordering checks all read these declarations.

use serde_json::Value;

/// How a stage sees documents.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// One document at a time ([`super::Stage`]).
    Stream,
    /// Needs every document before deciding ([`super::Barrier`]); the
    /// planner splits the pipeline into phases around it.
    Barrier,
}

/// What a stage hands to the next stage or the output.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Produces {
    /// Documents with text.
    Text,
    /// Token ids: nothing but an output may follow.
    Tokens,
}

/// The declaration every stage config makes. The rest of its contract is the
/// config type itself: `Deserialize` with `deny_unknown_fields`, defaults,
/// and doc comments on the fields, which `schemars` turns into the schema.
pub trait Describe: schemars::JsonSchema {
    /// The YAML `kind:`.
    const KIND: &'static str;
    /// Stream (default) or barrier.
    const ROLE: Role = Role::Stream;
    /// Text (default) or token ids.
    const PRODUCES: Produces = Produces::Text;
    /// The keys of langs files the stage reads (`lid_threshold`, `words`,
    /// `quality.<kind>`): langs files are checked against the union of
    /// these, and `langs show` names the stage behind each key.
    const LANGS_KEYS: &'static [&'static str] = &[];
    /// For filters: the measures and threshold table behind `mode:
    /// annotate` and `whatif` (see [`super::annotate`]).
    const FILTER: Option<&'static super::annotate::FilterDecl> = None;
}

/// The declarations of a config, callable on a `dyn StageConfig`.
pub trait Declared {
    fn kind(&self) -> &'static str;
    fn role(&self) -> Role;
    fn produces(&self) -> Produces;
    /// `Some` for filters, which may run in `mode: annotate`.
    fn filter_decl(&self) -> Option<&'static super::annotate::FilterDecl>;
}

impl<T: Describe> Declared for T {
    fn kind(&self) -> &'static str {
        T::KIND
    }
    fn role(&self) -> Role {
        T::ROLE
    }
    fn produces(&self) -> Produces {
        T::PRODUCES
    }
    fn filter_decl(&self) -> Option<&'static super::annotate::FilterDecl> {
        T::FILTER
    }
}

/// One parameter as `eurocurate stages` and the README show it.
#[derive(Debug, Clone, PartialEq)]
pub struct ParamDoc {
    pub name: String,
    /// Readable type (`integer`, `drop | keep`, `list of string`).
    pub ty: String,
    /// Default as YAML-like text; `required` when the key must be given.
    pub default: String,
    pub doc: String,
}

/// A stage kind as `eurocurate stages` shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct StageDoc {
    pub kind: &'static str,
    pub langs_keys: &'static [&'static str],
    pub summary: String,
    pub role: Role,
    pub produces: Produces,
    pub params: Vec<ParamDoc>,
}

/// The JSON Schema of one config type, with every definition inlined
/// where it is referenced once (so `stages` can read types directly).
pub fn schema_of<T: schemars::JsonSchema>() -> Value {
    let settings = schemars::generate::SchemaSettings::draft07();
    let schema = settings.into_generator().into_root_schema_for::<T>();
    serde_json::to_value(schema).expect("a schema is JSON")
}

/// The documentation of `T`, read from its schema.
pub fn doc_of<T: Describe>() -> StageDoc {
    let schema = schema_of::<T>();
    let defs = schema.get("definitions").cloned().unwrap_or(Value::Null);
    let required: Vec<&str> = schema
        .get("required")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let mut params = Vec::new();
    if let Some(props) = schema.get("properties").and_then(Value::as_object) {
        for (name, p) in props {
            params.push(ParamDoc {
                name: name.clone(),
                ty: type_label(p, &defs),
                default: if required.contains(&name.as_str()) {
                    "required".into()
                } else {
                    p.get("default").map(yaml_like).unwrap_or_else(|| "none".into())
                },
                doc: text_of(p),
            });
        }
    }
    StageDoc {
        kind: T::KIND,
        langs_keys: T::LANGS_KEYS,
        summary: text_of(&schema),
        role: T::ROLE,
        produces: T::PRODUCES,
        params,
    }
}

/// The doc comment of a schema node on one line.
fn text_of(node: &Value) -> String {
    let text = node.get("description").and_then(Value::as_str).unwrap_or_default();
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A default value as a user writes it in YAML.
pub fn yaml_like(v: &Value) -> String {
    match v {
        Value::Null => "none".into(),
        Value::String(s) => s.clone(),
        Value::Array(a) => format!("[{}]", a.iter().map(yaml_like).collect::<Vec<_>>().join(", ")),
        Value::Object(m) if m.is_empty() => "{}".into(),
        other => other.to_string(),
    }
}

/// A readable type for a schema node.
pub fn type_label(node: &Value, defs: &Value) -> String {
    if let Some(r) = node.get("$ref").and_then(Value::as_str) {
        let name = r.rsplit('/').next().unwrap_or(r);
        return match defs.get(name) {
            Some(d) => type_label(d, defs),
            None => name.to_string(),
        };
    }
    if let Some(values) = node.get("enum").and_then(Value::as_array) {
        return values.iter().map(yaml_like).collect::<Vec<_>>().join(" | ");
    }
    if let Some(c) = node.get("const") {
        return yaml_like(c);
    }
    if let Some([one]) = node.get("allOf").and_then(Value::as_array).map(Vec::as_slice) {
        return type_label(one, defs);
    }
    for key in ["anyOf", "oneOf"] {
        if let Some(alts) = node.get(key).and_then(Value::as_array) {
            let labels: Vec<String> = alts
                .iter()
                .filter(|a| a.get("type").and_then(Value::as_str) != Some("null"))
                .map(|a| type_label(a, defs))
                .collect();
            return labels.join(" | ");
        }
    }
    let one = |t: &str| -> String {
        match t {
            "array" => format!(
                "list of {}",
                node.get("items")
                    .map(|i| type_label(i, defs))
                    .unwrap_or_else(|| "any".into())
            ),
            "object" => match node.get("additionalProperties") {
                Some(v @ Value::Object(_)) => format!("map of {}", type_label(v, defs)),
                _ => "map".into(),
            },
            "string" if node.get("format").is_some_and(|f| f == "path") => "path".into(),
            other => other.to_string(),
        }
    };
    match node.get("type") {
        Some(Value::String(t)) => one(t),
        Some(Value::Array(ts)) => ts
            .iter()
            .filter_map(Value::as_str)
            .filter(|t| *t != "null")
            .map(one)
            .collect::<Vec<_>>()
            .join(" | "),
        _ => "any".into(),
    }
}

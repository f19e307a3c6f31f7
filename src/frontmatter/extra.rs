//! `extra:` maps (pages, sections, `config.yaml`): any YAML a template can use. Tera takes only
//! text, whole numbers and `true`/`false` as map keys, and fails on anything else at render time
//! (for every page), so other keys are refused here, where the error can say which line holds
//! them.

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_yaml::{Mapping, Number, Value};
use std::fmt;

/// Reads an `extra:` map (the `deserialize_with` of every `extra` field).
pub fn extra<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Mapping, D::Error> {
    match Extra::deserialize(deserializer)?.0 {
        Value::Mapping(map) => Ok(map),
        Value::Null => Ok(Mapping::new()),
        other => {
            Err(de::Error::custom(format!("invalid type: {}, expected a map of `key: value` lines", kind(&other))))
        }
    }
}

/// A YAML value whose maps, at any depth, have keys a template can use.
struct Extra(Value);

/// A map key: text, a whole number or `true`/`false`.
struct Key(Value);

impl<'de> Deserialize<'de> for Extra {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ValueVisitor).map(Extra)
    }
}

impl<'de> Deserialize<'de> for Key {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        match deserializer.deserialize_any(ValueVisitor)? {
            key @ (Value::String(_) | Value::Bool(_)) => Ok(Key(key)),
            Value::Number(n) if !n.is_f64() => Ok(Key(Value::Number(n))),
            other => Err(de::Error::custom(format!(
                "this map has a key that is {}: keys must be text, whole numbers or true/false",
                kind(&other)
            ))),
        }
    }
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null (`~` or nothing)",
        Value::Number(_) => "a decimal number",
        Value::Sequence(_) => "a list",
        Value::Mapping(_) => "a map",
        Value::Tagged(_) => "a tagged value",
        Value::Bool(_) | Value::String(_) => "text",
    }
}

struct ValueVisitor;

impl<'de> Visitor<'de> for ValueVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any YAML value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(Value::Number(Number::from(v)))
    }

    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_string()))
    }

    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        Extra::deserialize(deserializer).map(|e| e.0)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(Extra(item)) = seq.next_element()? {
            items.push(item);
        }
        Ok(Value::Sequence(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut out = Mapping::new();
        while let Some((Key(key), Extra(value))) = map.next_entry()? {
            out.insert(key, value);
        }
        Ok(Value::Mapping(out))
    }

    // `!tag value`: serde_yaml hands custom tags over as an enum; a template could not see the
    // tag anyway.
    fn visit_enum<A: de::EnumAccess<'de>>(self, _: A) -> Result<Value, A::Error> {
        Err(de::Error::custom("YAML tags such as `!nama` are not supported in `extra`: remove the tag"))
    }
}

#[cfg(test)]
mod tests {
    use super::extra;

    fn read(yaml: &str) -> Result<serde_yaml::Mapping, String> {
        extra(serde_yaml::Deserializer::from_str(yaml)).map_err(|e| e.to_string())
    }

    #[test]
    fn keys_templates_can_use_are_kept() {
        let map = read("a: 1\n2023: x\ntrue: y\nnested: {b: [1, {c: d}], e: ~}\n").unwrap();
        assert_eq!(map.len(), 4);
        assert_eq!(map["nested"]["b"][1]["c"], serde_yaml::Value::from("d"));
    }

    /// Errors point at the map holding the key (serde_yaml knows no finer place).
    #[test]
    fn other_keys_are_refused_with_the_line_of_their_map() {
        use crate::frontmatter::{parse, PageMeta};
        for (yaml, line, what) in [
            ("title: A\nextra:\n  a: 1\n  ~: x\n", 4, "null"),
            ("title: A\nextra:\n  a: 1\n  b: 2\n  ? \n  : x\n", 4, "null"),
            ("title: A\nextra:\n  a:\n    1.5: x\n", 5, "decimal"),
            ("title: A\nextra:\n  a:\n    b:\n      [1, 2]: x\n", 6, "a list"),
            ("title: A\nextra:\n  ? {a: b}\n  : x\n", 4, "a map"),
            ("title: A\nextra:\n  a: !nama x\n", 4, "tags"),
        ] {
            let d = parse::<PageMeta>(std::path::Path::new("a.md"), yaml, 1).unwrap_err();
            assert!(d.message.contains(what) && d.line == line, "{yaml:?}: {d:?}");
        }
    }
}

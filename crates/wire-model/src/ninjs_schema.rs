//! Validation against the official IPTC ninjs 3.1 JSON schema (shipped in `schemas/`, MIT).
//! Offline: the GeoJSON schema it references is shipped too.

use serde_json::Value;

pub use jsonschema;

const NINJS_3_1: &str = include_str!("../schemas/ninjs-schema_3.1.json");
const GEOJSON: &str = include_str!("../schemas/GeoJSON-schema.json");
const GEOJSON_URI: &str = "https://geojson.org/schema/GeoJSON.json";

/// A ninjs 3.1 validator with format checks (`date-time`, `uri`) switched on.
pub fn validator() -> Result<jsonschema::Validator, String> {
    let schema: Value = serde_json::from_str(NINJS_3_1).map_err(|e| e.to_string())?;
    let geojson: Value = serde_json::from_str(GEOJSON).map_err(|e| e.to_string())?;
    let registry = jsonschema::Registry::new()
        .add(GEOJSON_URI, geojson)
        .map_err(|e| e.to_string())?
        .prepare()
        .map_err(|e| e.to_string())?;
    jsonschema::options()
        .with_registry(&registry)
        .should_validate_formats(true)
        .build(&schema)
        .map_err(|e| e.to_string())
}

/// The schema violations of `article` (a ninjs object), empty when it is valid.
pub fn violations(validator: &jsonschema::Validator, article: &Value) -> Vec<String> {
    validator
        .iter_errors(article)
        .map(|error| format!("{}: {error}", error.instance_path()))
        .collect()
}

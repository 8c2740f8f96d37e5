/**
 * Python's `json.loads`: MLflow's JSON (and the CLI's, which matches it) writes bare NaN and
 * ±Infinity, which JavaScript's JSON.parse refuses. They are read here as the strings "NaN",
 * "Infinity" and "-Infinity", so tests compare them like any other value.
 */
export function parsePythonJson(text: string): any {
  return JSON.parse(text.replace(/(?<=[:[,]\s*)(NaN|-?Infinity)(?=\s*[,\]}])/g, '"$1"'))
}

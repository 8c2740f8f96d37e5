import { bindNamedParams } from './namedParams'
import { pgParser } from './pgParser'
import { textOffsets } from './textOffsets'

/** The :named parameters of a text, in order of first appearance ([] when the scanner cannot read it). */
export async function queryParamNames(sql: string): Promise<string[]> {
  const parser = await pgParser()
  try {
    return bindNamedParams(sql, parser.scan(sql), textOffsets(sql)).names
  } catch {
    return []
  }
}

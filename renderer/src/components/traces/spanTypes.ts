import type { Component } from 'vue'
import {
  ChatbubblesOutline,
  CodeSlashOutline,
  EllipseOutline,
  HammerOutline,
  LinkOutline,
  PersonCircleOutline,
  SearchOutline,
  ServerOutline,
  ShapesOutline,
  SparklesOutline,
  SwapVerticalOutline,
} from '@vicons/ionicons5'

/** How a span type looks in the tree and the waterfall: an icon and a hue (the bar's colour). */
interface SpanTypeLook {
  icon: Component
  color: string
}

/** MLflow's SpanType values (mlflow/entities/span.py), and UNKNOWN for spans without one. */
const LOOKS: Record<string, SpanTypeLook> = {
  AGENT: { icon: PersonCircleOutline, color: '#8a63d2' },
  CHAIN: { icon: LinkOutline, color: '#5b8def' },
  LLM: { icon: SparklesOutline, color: '#e0803a' },
  CHAT_MODEL: { icon: ChatbubblesOutline, color: '#d9653b' },
  RETRIEVER: { icon: SearchOutline, color: '#2f9e8f' },
  RERANKER: { icon: SwapVerticalOutline, color: '#3aa17e' },
  EMBEDDING: { icon: ShapesOutline, color: '#c2a23a' },
  TOOL: { icon: HammerOutline, color: '#4e9bd1' },
  PARSER: { icon: CodeSlashOutline, color: '#8c8f9a' },
  MEMORY: { icon: ServerOutline, color: '#b06fb0' },
}
const UNKNOWN: SpanTypeLook = { icon: EllipseOutline, color: '#8c8f9a' }

export function spanTypeLook(type: string): SpanTypeLook {
  return LOOKS[type] ?? UNKNOWN
}

/** The error colour of bars and marks (naive-ui's error red, readable on light and dark). */
export const ERROR_COLOR = '#e0485a'

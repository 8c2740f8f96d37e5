import type { Component } from 'vue'
import {
  AppsOutline,
  ArchiveOutline,
  ChatbubbleEllipsesOutline,
  CubeOutline,
  DocumentTextOutline,
  FlaskOutline,
  GitBranchOutline,
  LayersOutline,
  PulseOutline,
} from '@vicons/ionicons5'
import type { FindKind } from '@shared/domain/find'

/** How each kind of hit is shown: its icon and its word. */
export const KIND_LOOK: Readonly<Record<FindKind, { icon: Component; label: string }>> = {
  run: { icon: PulseOutline, label: 'Run' },
  experiment: { icon: FlaskOutline, label: 'Experiment' },
  model: { icon: CubeOutline, label: 'Model' },
  model_version: { icon: LayersOutline, label: 'Version' },
  prompt: { icon: ChatbubbleEllipsesOutline, label: 'Prompt' },
  logged_model: { icon: ArchiveOutline, label: 'Logged model' },
  trace: { icon: GitBranchOutline, label: 'Trace' },
  saved_query: { icon: DocumentTextOutline, label: 'Saved query' },
  screen: { icon: AppsOutline, label: 'Screen' },
}

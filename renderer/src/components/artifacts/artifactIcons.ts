import type { Component } from 'vue'
import {
  CodeSlashOutline,
  CubeOutline,
  DocumentOutline,
  DocumentTextOutline,
  FolderOpenOutline,
  FolderOutline,
  GridOutline,
  ImageOutline,
  ReaderOutline,
  TerminalOutline,
} from '@vicons/ionicons5'
import { artifactKind, artifactName, type ArtifactViewKind } from '@/utils/artifactKinds'

const BY_KIND: Record<ArtifactViewKind, Component> = {
  image: ImageOutline,
  json: CodeSlashOutline,
  yaml: CodeSlashOutline,
  code: CodeSlashOutline,
  html: CodeSlashOutline,
  csv: GridOutline,
  tsv: GridOutline,
  markdown: ReaderOutline,
  log: TerminalOutline,
  text: DocumentTextOutline,
  other: DocumentOutline,
}

/** The icon of a tree entry: a folder (open or shut), an MLmodel cube, or the file's kind. */
export function artifactIcon(path: string, isDir: boolean, open = false): Component {
  if (isDir) return open ? FolderOpenOutline : FolderOutline
  return artifactName(path) === 'MLmodel' ? CubeOutline : BY_KIND[artifactKind(path)]
}

/**
 * Issues, issue comments, labels and reactions as GitHub renders them.
 */
import type {
  CommentRecord,
  IssueRecord,
  LabelRecord,
  ReactionRecord,
  RepositoryRecord,
} from '../simulator-state.js';
import { repositoryApiUrl, repositoryHtmlUrl } from './repository-shape.js';
import { authorAssociation, nodeId, pathPart, renderUser } from './user-shape.js';
import type { ShapeContext } from './user-shape.js';

const REACTION_CONTENTS = ['+1', '-1', 'laugh', 'confused', 'heart', 'hooray', 'eyes', 'rocket'] as const;

export function renderLabel(context: ShapeContext, repo: RepositoryRecord, label: LabelRecord) {
  return {
    id: label.id,
    node_id: nodeId('Label', label.id),
    url: `${repositoryApiUrl(context, repo)}/labels/${pathPart(label.name)}`,
    name: label.name,
    description: label.description,
    color: label.color,
    default: false,
  };
}

function labelNamed(repo: RepositoryRecord, name: string): LabelRecord {
  const wanted = name.toLowerCase();
  // Handlers create labels before attaching them; the fallback only keeps rendering total.
  return (
    repo.labels.find((label) => label.name.toLowerCase() === wanted) ?? {
      id: 0,
      name,
      color: 'ededed',
      description: null,
    }
  );
}

export function renderReaction(context: ShapeContext, reaction: ReactionRecord) {
  return {
    id: reaction.id,
    node_id: nodeId('Reaction', reaction.id),
    user: renderUser(context, reaction.user),
    content: reaction.content,
    created_at: reaction.createdAt,
  };
}

function reactionRollup(url: string, reactions: ReactionRecord[]) {
  const counts = Object.fromEntries(
    REACTION_CONTENTS.map((content) => [content, reactions.filter((r) => r.content === content).length]),
  );
  return { url: `${url}/reactions`, total_count: reactions.length, ...counts };
}

export function issueApiUrl(context: ShapeContext, repo: RepositoryRecord, number: number): string {
  return `${repositoryApiUrl(context, repo)}/issues/${number}`;
}

export function renderIssue(context: ShapeContext, repo: RepositoryRecord, issue: IssueRecord) {
  const api = issueApiUrl(context, repo, issue.number);
  const html = `${repositoryHtmlUrl(context, repo)}/${issue.isPullRequest ? 'pull' : 'issues'}/${issue.number}`;
  const comments = repo.comments.filter((comment) => comment.issueNumber === issue.number).length;
  const pullUrl = `${repositoryApiUrl(context, repo)}/pulls/${issue.number}`;
  return {
    id: issue.id,
    node_id: nodeId(issue.isPullRequest ? 'PullRequest' : 'Issue', issue.id),
    url: api,
    repository_url: repositoryApiUrl(context, repo),
    labels_url: `${api}/labels{/name}`,
    comments_url: `${api}/comments`,
    events_url: `${api}/events`,
    html_url: html,
    number: issue.number,
    state: issue.state,
    state_reason: issue.stateReason,
    title: issue.title,
    body: issue.body,
    user: renderUser(context, issue.user),
    labels: issue.labels.map((name) => renderLabel(context, repo, labelNamed(repo, name))),
    assignee: null,
    assignees: [],
    milestone: null,
    locked: false,
    active_lock_reason: null,
    comments,
    ...(issue.isPullRequest
      ? {
          pull_request: {
            url: pullUrl,
            html_url: html,
            diff_url: `${html}.diff`,
            patch_url: `${html}.patch`,
            merged_at: null,
          },
        }
      : {}),
    closed_at: issue.closedAt,
    created_at: issue.createdAt,
    updated_at: issue.updatedAt,
    closed_by: null,
    author_association: authorAssociation(repo.owner, repo.collaborators, issue.user),
    reactions: reactionRollup(api, issue.reactions),
    timeline_url: `${api}/timeline`,
  };
}

export function renderComment(context: ShapeContext, repo: RepositoryRecord, comment: CommentRecord) {
  const api = `${repositoryApiUrl(context, repo)}/issues/comments/${comment.id}`;
  const issue = repo.issues.find((candidate) => candidate.number === comment.issueNumber);
  const kind = issue?.isPullRequest ? 'pull' : 'issues';
  return {
    id: comment.id,
    node_id: nodeId('IssueComment', comment.id),
    url: api,
    html_url: `${repositoryHtmlUrl(context, repo)}/${kind}/${comment.issueNumber}#issuecomment-${comment.id}`,
    body: comment.body,
    user: renderUser(context, comment.user),
    created_at: comment.createdAt,
    updated_at: comment.updatedAt,
    issue_url: issueApiUrl(context, repo, comment.issueNumber),
    author_association: authorAssociation(repo.owner, repo.collaborators, comment.user),
    performed_via_github_app: null,
    reactions: reactionRollup(api, comment.reactions),
  };
}

/**
 * Real webhook payloads from @octokit/webhooks-examples, retargeted at a seeded repository, issue,
 * comment and sender. Everything else stays exactly as GitHub sends it.
 */
import { createRequire } from 'node:module';

type Json = Record<string, unknown>;

const examples = createRequire(import.meta.url)('@octokit/webhooks-examples/api.github.com/index.json') as {
  name: string;
  examples: Json[];
}[];

function example(name: string, action: string): Json {
  const found = examples.find((g) => g.name === name)?.examples.find((p) => p['action'] === action);
  if (!found) throw new Error(`no ${name}.${action} example in @octokit/webhooks-examples`);
  return structuredClone(found);
}

export interface Target {
  owner: string;
  repo: string;
  installationId?: number;
}

export interface IssueFields {
  number: number;
  title: string;
  body?: string | null;
  labels?: string[];
  state?: 'open' | 'closed';
  isPullRequest?: boolean;
}

export interface SenderFields {
  login: string;
  type?: 'User' | 'Bot';
}

function retarget(payload: Json, target: Target, issue: IssueFields, sender: SenderFields): Json {
  const repository = payload['repository'] as Json & { owner: Json };
  repository['name'] = target.repo;
  repository['full_name'] = `${target.owner}/${target.repo}`;
  repository.owner['login'] = target.owner;
  const issueJson = payload['issue'] as Json;
  issueJson['number'] = issue.number;
  issueJson['title'] = issue.title;
  issueJson['body'] = issue.body ?? null;
  issueJson['state'] = issue.state ?? 'open';
  issueJson['labels'] = (issue.labels ?? []).map((name, i) => ({
    id: 100 + i,
    node_id: `LA_${i}`,
    url: `https://api.github.com/repos/${target.owner}/${target.repo}/labels/${encodeURIComponent(name)}`,
    name,
    color: 'ededed',
    default: false,
    description: null,
  }));
  if (issue.isPullRequest) {
    issueJson['pull_request'] = {
      url: `https://api.github.com/repos/${target.owner}/${target.repo}/pulls/${issue.number}`,
      html_url: `https://github.com/${target.owner}/${target.repo}/pull/${issue.number}`,
      diff_url: `https://github.com/${target.owner}/${target.repo}/pull/${issue.number}.diff`,
      patch_url: `https://github.com/${target.owner}/${target.repo}/pull/${issue.number}.patch`,
    };
  } else {
    delete issueJson['pull_request'];
  }
  const senderJson = payload['sender'] as Json;
  senderJson['login'] = sender.login;
  senderJson['type'] = sender.type ?? (sender.login.endsWith('[bot]') ? 'Bot' : 'User');
  if (target.installationId === undefined) delete payload['installation'];
  else
    payload['installation'] = {
      id: target.installationId,
      node_id: 'MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9uMQ==',
    };
  return payload;
}

type CommentArgs = [
  target: Target,
  issue: IssueFields,
  comment: { id: number; body: string },
  sender: SenderFields,
];

function issueComment(action: 'created' | 'edited', ...[target, issue, comment, sender]: CommentArgs): Json {
  const payload = retarget(example('issue_comment', action), target, issue, sender);
  const commentJson = payload['comment'] as Json & { user: Json };
  commentJson['id'] = comment.id;
  commentJson['body'] = comment.body;
  commentJson.user['login'] = sender.login;
  commentJson.user['type'] = (payload['sender'] as Json)['type'];
  return payload;
}

export function issueCommentCreated(...args: CommentArgs): Json {
  return issueComment('created', ...args);
}

export function issueCommentEdited(...args: CommentArgs): Json {
  return issueComment('edited', ...args);
}

export function issuesOpened(target: Target, issue: IssueFields, sender: SenderFields): Json {
  return retarget(example('issues', 'opened'), target, issue, sender);
}

export function issuesLabeled(target: Target, issue: IssueFields, label: string, sender: SenderFields): Json {
  const payload = retarget(example('issues', 'labeled'), target, issue, sender);
  payload['label'] = {
    id: 99,
    node_id: 'LA_99',
    url: '',
    name: label,
    color: 'ededed',
    default: false,
    description: null,
  };
  return payload;
}

/** workflow_run.completed for a run of `workflowPath`, as GitHub sends when its last job ends. */
export function workflowRunCompleted(
  target: Target,
  run: { id: number; path: string; conclusion: string; name?: string },
  sender: SenderFields,
): Json {
  // The first completed example has no workflow_run.path; take one that is complete.
  const completed = (examples.find((g) => g.name === 'workflow_run')?.examples ?? []).find(
    (p) => p['action'] === 'completed' && (p['workflow_run'] as Json | undefined)?.['path'],
  );
  if (!completed) throw new Error('no complete workflow_run.completed example in @octokit/webhooks-examples');
  const base = structuredClone(completed);
  const repository = base['repository'] as Json & { owner: Json };
  repository['name'] = target.repo;
  repository['full_name'] = `${target.owner}/${target.repo}`;
  repository.owner['login'] = target.owner;
  const workflowRun = base['workflow_run'] as Json;
  workflowRun['id'] = run.id;
  workflowRun['path'] = run.path;
  workflowRun['conclusion'] = run.conclusion;
  workflowRun['status'] = 'completed';
  if (run.name) workflowRun['name'] = run.name;
  const senderJson = base['sender'] as Json;
  senderJson['login'] = sender.login;
  senderJson['type'] = sender.type ?? 'User';
  if (target.installationId === undefined) delete base['installation'];
  else
    base['installation'] = { id: target.installationId, node_id: 'MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9uMQ==' };
  return base;
}

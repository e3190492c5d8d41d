/**
 * Reactions on issues and issue comments. Like GitHub, reacting twice with the same content answers 200
 * with the existing reaction instead of 201 with a new one.
 */
import { ensureUser, nextId } from '../simulator-state.js';
import type { ReactionContent, ReactionRecord } from '../simulator-state.js';
import { renderReaction } from '../shapes/issue-shapes.js';
import { findIssue } from './issue-routes.js';
import { listPage, notFound, ok, withRepository } from './route-handler.js';
import type { RouteRequest, RouteResponse, RouteTable } from './route-handler.js';

function react(request: RouteRequest, reactions: ReactionRecord[]): RouteResponse {
  const content = (request.body as { content: ReactionContent }).content;
  const existing = reactions.find(
    (reaction) => reaction.user === request.actor && reaction.content === content,
  );
  if (existing) return ok(renderReaction(request, existing), 200);
  ensureUser(request.state, request.actor);
  const reaction: ReactionRecord = {
    id: nextId(request.state),
    content,
    user: request.actor,
    createdAt: request.now,
  };
  reactions.push(reaction);
  return ok(renderReaction(request, reaction), 201);
}

function list(request: RouteRequest, reactions: ReactionRecord[]): RouteResponse {
  const content = request.query.content;
  const matching = reactions.filter((reaction) => !content || reaction.content === content);
  return listPage(request, matching, (reaction) => renderReaction(request, reaction));
}

export const reactionRoutes: RouteTable = {
  'reactions/create-for-issue': withRepository((request, repo) => {
    const issue = findIssue(repo, Number(request.params.issue_number));
    return issue ? react(request, issue.reactions) : notFound();
  }),

  'reactions/list-for-issue': withRepository((request, repo) => {
    const issue = findIssue(repo, Number(request.params.issue_number));
    return issue ? list(request, issue.reactions) : notFound();
  }),

  'reactions/create-for-issue-comment': withRepository((request, repo) => {
    const comment = repo.comments.find((candidate) => candidate.id === Number(request.params.comment_id));
    return comment ? react(request, comment.reactions) : notFound();
  }),

  'reactions/list-for-issue-comment': withRepository((request, repo) => {
    const comment = repo.comments.find((candidate) => candidate.id === Number(request.params.comment_id));
    return comment ? list(request, comment.reactions) : notFound();
  }),
};

#include "crawler/schedule.h"

#include <stddef.h>

void schedule_bounds_default(schedule_bounds *b) {
  b->min_revisit = SCHEDULE_DEFAULT_MIN_REVISIT;
  b->revisit = SCHEDULE_DEFAULT_REVISIT;
  b->max_revisit = SCHEDULE_DEFAULT_MAX_REVISIT;
}

int schedule_bounds_check(const schedule_bounds *b, const char **why) {
  if (b->min_revisit <= 0) *why = "min_revisit must be more than 0";
  else if (b->revisit < b->min_revisit) *why = "revisit must not be shorter than min_revisit";
  else if (b->max_revisit < b->revisit) *why = "max_revisit must not be shorter than revisit";
  else return 0;
  return -1;
}

int schedule_listing_hot(int depth) { return depth >= 0 && depth <= SCHEDULE_HOT_DEPTH; }

uint64_t schedule_url_hash(const char *url) {
  uint64_t h = 14695981039346656037ULL;
  for (const unsigned char *p = (const unsigned char *)url; *p; p++) {
    h ^= *p;
    h *= 1099511628211ULL;
  }
  return h;
}

static int64_t clamp(const schedule_bounds *b, double interval) {
  if (interval < (double)b->min_revisit) return b->min_revisit;
  if (interval > (double)b->max_revisit) return b->max_revisit;
  return (int64_t)interval;
}

/* How long the content has stood still, or 0 when unknown. */
static int64_t age(const schedule_visit *v) {
  return v->modified_at > 0 && v->modified_at < v->fetched_at ? v->fetched_at - v->modified_at : 0;
}

static void after_failure(const schedule_bounds *b, const schedule_visit *v, schedule_next *n) {
  n->fails = v->fails + 1;
  n->interval = v->interval;
  int64_t wait = SCHEDULE_RETRY_BASE;
  for (int i = 1; i < n->fails && wait < b->max_revisit; i++) wait *= 2;
  if (wait > b->max_revisit) wait = b->max_revisit;
  n->next_due = v->fetched_at + wait;
  if (v->outcome == SCHEDULE_REMOVED) n->gone = 1;
  else if (v->outcome == SCHEDULE_NOT_FOUND) n->gone = n->fails >= SCHEDULE_GONE_AFTER;
  else if (v->outcome == SCHEDULE_SERVER) n->gone = n->fails >= SCHEDULE_GONE_AFTER_5XX;
  /* a gone page is asked again only when something links to it, rarely */
  if (n->gone) n->next_due = v->fetched_at + b->max_revisit;
}

/* A first revisit anywhere in [min_revisit, interval], by the URL. */
static int64_t spread(const schedule_bounds *b, const schedule_visit *v, int64_t interval) {
  double u = (double)(v->url_hash >> 11) / 9007199254740992.0; /* [0, 1) */
  return v->fetched_at + b->min_revisit + (int64_t)((double)(interval - b->min_revisit) * u);
}

static void after_listing(const schedule_bounds *b, const schedule_visit *v, schedule_next *n) {
  if (schedule_listing_hot(v->depth) || v->outcome == SCHEDULE_CHANGED) {
    n->interval = 0; /* every run */
    n->next_due = v->fetched_at;
  } else if (v->outcome == SCHEDULE_NEW) {
    /* Everything is new on a first visit: that says nothing yet. */
    n->interval = b->revisit;
    n->next_due = spread(b, v, n->interval);
  } else {
    n->interval = clamp(b, v->interval > 0 ? (double)v->interval * 2.0 : (double)b->min_revisit);
    n->next_due = v->fetched_at + n->interval;
  }
}

static void after_document(const schedule_bounds *b, const schedule_visit *v, schedule_next *n) {
  int64_t first = v->kind == SCHEDULE_ATTACHMENT ? b->max_revisit : b->revisit;
  double i = v->interval > 0 ? (double)v->interval : (double)first;
  switch (v->outcome) {
  case SCHEDULE_CHANGED: i *= 1.0 - SCHEDULE_DEC_RATE; break;
  case SCHEDULE_UNCHANGED: i *= 1.0 + SCHEDULE_INC_RATE; break;
  default: break;
  }
  /* sync_delta: content that stood still longer than the interval waits that long */
  if (v->outcome != SCHEDULE_CHANGED && (double)age(v) > i) i = (double)age(v);
  n->interval = clamp(b, i);
  n->next_due = v->outcome == SCHEDULE_NEW ? spread(b, v, n->interval) : v->fetched_at + n->interval;
}

void schedule_after_visit(const schedule_bounds *b, const schedule_visit *v, schedule_next *out) {
  out->gone = 0;
  out->fails = 0;
  switch (v->outcome) {
  case SCHEDULE_NO_ANSWER:
  case SCHEDULE_NOT_FOUND:
  case SCHEDULE_SERVER:
  case SCHEDULE_REMOVED: after_failure(b, v, out); return;
  default: break;
  }
  if (v->kind == SCHEDULE_LISTING || v->depth == 0) after_listing(b, v, out);
  else after_document(b, v, out);
}

// Continuation-token paging state: the token of each page seen (page 0 has none), reset when the filter changes.
import { useEffect, useState } from 'react';

export function usePagedTokens(filterKey: string) {
  const [tokens, setTokens] = useState<Array<string | undefined>>([undefined]);
  const [page, setPage] = useState(0);
  useEffect(() => {
    setTokens([undefined]);
    setPage(0);
  }, [filterKey]);
  return {
    page,
    token: tokens[page],
    next(token: string | undefined) {
      if (token === undefined) return;
      setTokens((t) => [...t.slice(0, page + 1), token]);
      setPage(page + 1);
    },
    previous() {
      setPage(Math.max(0, page - 1));
    },
  };
}

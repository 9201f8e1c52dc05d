// The hostile corpus at an ordinary (non-FT) URL, where Readability finds the body (tests/security/suite.ts).
import { corpusSuite } from '../../security/suite';

corpusSuite('hostile corpus at an ordinary URL (Readability)', 'ordinary URL', false, 'sec-web');

// The hostile corpus at FT URLs, where the site rule takes the body (tests/security/suite.ts).
import { corpusSuite } from '../../security/suite';

corpusSuite('hostile corpus at FT URLs (site rule)', 'FT URLs', true, 'sec-ft');

%dw 2.0
output application/java
var countries = {"DE": "Germany", "FR": "France"}
---
{
  Name: payload.customer,
  Ext_Id__c: payload.id,
  Total__c: payload.total * 1.19,
  Country__c: countries[payload.country],
  Source__c: "mule",
  Tier__c: if (payload.total > 1000) "gold" else "standard"
}
